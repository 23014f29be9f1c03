using System.Globalization;
using Gatsbi.Benchmarks.Running;

namespace Gatsbi.Bench;

/// <summary>
/// Summarises a study file written by gatsbi-c2st out=…: per task and budget, each variant's mean C2ST over
/// its observations and its paired difference to a baseline variant (mean and standard error of the
/// per-observation differences, which cancels most of the spread between observations). Markdown output.
/// study-table file=docs/study/results.csv baseline=fast
/// </summary>
internal static class StudyTable
{
    private sealed record Row(string Label, string Task, int Simulations, int Observation, double C2st, double TrainingSeconds);

    public static int Run(Settings s)
    {
        string file = s.Get("file", "docs/study/results.csv");
        string baseline = s.Get("baseline", "fast");
        s.EnsureAllUsed();
        var rows = Read(file);
        foreach (var group in rows.GroupBy(r => (r.Task, r.Simulations)))
        {
            // The last row per (variant, observation) wins: a variant rerun after an interruption replaces its rows.
            var byLabel = group.GroupBy(r => r.Label)
                .ToDictionary(g => g.Key, g => g.GroupBy(r => r.Observation).ToDictionary(o => o.Key, o => o.Last()));
            byLabel.TryGetValue(baseline, out var reference);
            Console.WriteLine($"\n**{group.Key.Task}, {group.Key.Simulations:N0} simulations** (baseline `{baseline}`)\n");
            Console.WriteLine("| variant | mean C2ST ± s.e. | Δ vs baseline ± s.e. (paired) | training s (shared CPU) |");
            Console.WriteLine("|---|---|---|---|");
            foreach (var (label, observations) in byLabel)
            {
                var values = observations.Values.Select(r => r.C2st).ToArray();
                string delta = "";
                if (reference is not null && label != baseline)
                {
                    var diffs = observations.Where(o => reference.ContainsKey(o.Key)).Select(o => o.Value.C2st - reference[o.Key].C2st).ToArray();
                    if (diffs.Length > 1) delta = $"{Signed(diffs.Average())} ± {Summary(diffs).StandardError:F3}";
                }
                string name = label == baseline ? $"**{label}**" : label;
                var summary = Summary(values);
                Console.WriteLine($"| {name} | {summary.Mean:F3} ± {summary.StandardError:F3} (n={summary.Count}) | {delta} | {observations.Values.First().TrainingSeconds:F0} s |");
            }
        }
        return 0;
    }

    private static List<Row> Read(string file)
    {
        var lines = File.ReadAllLines(file);
        if (lines.Length == 0 || !lines[0].StartsWith("label,task,num_simulations,seed,ensemble,num_observation,c2st,training_seconds", StringComparison.Ordinal))
            throw new InvalidDataException($"{file}: not a study file (expected the header written by gatsbi-c2st out=).");
        var rows = new List<Row>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var f = lines[i].Split(',');
            if (f.Length < 8) throw new InvalidDataException($"{file}, line {i + 1}: expected at least 8 columns, got {f.Length}.");
            rows.Add(new Row(f[0], f[1], int.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[5], CultureInfo.InvariantCulture),
                double.Parse(f[6], CultureInfo.InvariantCulture), double.Parse(f[7], CultureInfo.InvariantCulture)));
        }
        return rows;
    }

    private static CellSummary Summary(double[] values) => CellSummary.Of("", "", 0, values);

    private static string Signed(double v) => (v >= 0 ? "+" : "−") + Math.Abs(v).ToString("F3", CultureInfo.InvariantCulture);
}
