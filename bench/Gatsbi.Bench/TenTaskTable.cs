using System.Globalization;
using Gatsbi.Benchmarks;
using Gatsbi.Benchmarks.Published;
using Gatsbi.Benchmarks.Running;

namespace Gatsbi.Bench;

/// <summary>
/// One Markdown table over all ten sbibm tasks from `gatsbi bench` results files: GATSBI's mean C2ST ± s.e. at
/// 1,000 and 10,000 simulations, our NPE at 10,000, the published NPE, NLE, NRE, REJ-ABC and SMC-ABC at 10,000
/// (sbibm paper), and GATSBI's training seconds per cell. Rows that failed are left out; a cell with fewer than
/// ten observations shows its count.
/// ten-task-table results=a/results.csv,b/results.csv preset=fast
/// </summary>
internal static class TenTaskTable
{
    private static readonly string[] Published = ["NPE", "NLE", "NRE", "REJ-ABC", "SMC-ABC"];

    public static int Run(Settings s)
    {
        var files = s.Get("results", "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        string preset = s.Get("preset", "fast");
        s.EnsureAllUsed();
        if (files.Length == 0) throw new ArgumentException("results= needs one or more results.csv files, comma-separated.");
        var rows = files.SelectMany(f => new ResultsFile(f).Read()).Where(r => r.Succeeded).ToList();

        Console.WriteLine("| task | GATSBI 1k | GATSBI 10k | NPE 10k (ours) | " + string.Join(" | ", Published.Select(p => $"{p} 10k (publ.)")) + " | GATSBI training s (1k / 10k) |");
        Console.WriteLine("|---|" + string.Concat(Enumerable.Repeat("---:|", 4 + Published.Length)));
        foreach (var task in TaskRegistry.Names)
        {
            var cells = new List<string> { task };
            cells.Add(Cell(rows, task, "GATSBI", preset, 1_000));
            cells.Add(Cell(rows, task, "GATSBI", preset, 10_000));
            cells.Add(Cell(rows, task, "NPE", null, 10_000));
            foreach (var algorithm in Published)
                cells.Add(PublishedResults.Find(task, algorithm, 10_000) is { } p ? p.Mean.ToString("F3", CultureInfo.InvariantCulture) : "");
            cells.Add($"{Seconds(rows, task, preset, 1_000)} / {Seconds(rows, task, preset, 10_000)}");
            Console.WriteLine("| " + string.Join(" | ", cells) + " |");
        }
        return 0;
    }

    private static IEnumerable<ResultRow> Matching(List<ResultRow> rows, string task, string method, string? preset, int simulations) =>
        rows.Where(r => r.Key.Task == task && r.Key.Method == method && (preset is null || r.Key.Preset == preset) && r.Key.Simulations == simulations)
            // The last row per observation wins: a cell rerun after an interruption replaces its rows.
            .GroupBy(r => r.Key.Observation).Select(g => g.Last());

    private static string Cell(List<ResultRow> rows, string task, string method, string? preset, int simulations)
    {
        var values = Matching(rows, task, method, preset, simulations).Select(r => r.C2st).ToList();
        if (values.Count == 0) return "";
        var summary = CellSummary.Of(task, method, simulations, values);
        string count = values.Count == BenchmarkTask.ObservationCount ? "" : $" ({values.Count})";
        return string.Create(CultureInfo.InvariantCulture, $"{summary.Mean:F3} ± {summary.StandardError:F3}{count}");
    }

    private static string Seconds(List<ResultRow> rows, string task, string preset, int simulations)
    {
        var values = Matching(rows, task, "GATSBI", preset, simulations).Select(r => r.TrainingSeconds).ToList();
        return values.Count == 0 ? "–" : values.Average().ToString("F0", CultureInfo.InvariantCulture);
    }
}
