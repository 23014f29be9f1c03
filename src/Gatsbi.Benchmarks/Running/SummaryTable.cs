using System.Globalization;
using System.Text;
using Gatsbi.Benchmarks.Published;

namespace Gatsbi.Benchmarks.Running;

/// <summary>Mean and standard error of a metric over the observations of one task, method and budget.</summary>
/// <param name="Task">sbibm task name.</param>
/// <param name="Method">Our label for the configuration, "method (preset)" (<see cref="SummaryTable.Label"/>).</param>
/// <param name="Simulations">Simulation budget.</param>
/// <param name="Mean">Mean of the metric; NaN without values.</param>
/// <param name="StandardError">Standard error of the mean, s/√n with the n − 1 divisor in s; NaN with fewer than two values.</param>
/// <param name="Count">Number of values (observations, or observations × seeds) summarised.</param>
public sealed record CellSummary(string Task, string Method, int Simulations, double Mean, double StandardError, int Count)
{
    /// <summary>The summary of <paramref name="values"/> for one task, method and budget.</summary>
    public static CellSummary Of(string task, string method, int simulations, IReadOnlyList<double> values)
    {
        double mean = values.Count > 0 ? values.Average() : double.NaN;
        double se = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1) / values.Count) : double.NaN;
        return new CellSummary(task, method, simulations, mean, se, values.Count);
    }
}

/// <summary>
/// The Markdown summary of a results file: per task, C2ST mean ± standard error over observations for each
/// of our method configurations beside the published numbers, then MMD and cost.
/// </summary>
public static class SummaryTable
{
    /// <summary>Published algorithms shown beside ours, in this order.</summary>
    public static readonly string[] PublishedAlgorithms = ["GATSBI", "GATSBI-optim", "NPE", "REJ-ABC", "SMC-ABC"];

    /// <summary>Published sequential algorithms, shown as well when the results hold sequential GATSBI.</summary>
    public static readonly string[] PublishedSequentialAlgorithms = ["GATSBI-EBM", "GATSBI-inv", "SNPE"];

    /// <summary>Our label for a configuration: method and preset.</summary>
    public static string Label(CellKey key) => $"{key.Method} ({key.Preset})";

    /// <summary>
    /// Groups the successful rows with a finite <paramref name="metric"/> by task, label and budget, and summarises each group;
    /// ordered by task, label (ordinal) and budget.
    /// </summary>
    public static IReadOnlyList<CellSummary> Summarise(IEnumerable<ResultRow> rows, Func<ResultRow, double> metric) =>
        rows.Where(r => r.Succeeded && double.IsFinite(metric(r)))
            .GroupBy(r => (r.Key.Task, Label: Label(r.Key), r.Key.Simulations))
            .Select(g => CellSummary.Of(g.Key.Task, g.Key.Label, g.Key.Simulations, [.. g.Select(metric)]))
            .OrderBy(s => s.Task, StringComparer.Ordinal).ThenBy(s => s.Method, StringComparer.Ordinal).ThenBy(s => s.Simulations)
            .ToList();

    /// <summary>
    /// The whole summary as Markdown: a C2ST table per task with the published numbers beside ours, a table of MMD and cost,
    /// the failed cells, and the versions that produced the rows.
    /// </summary>
    public static string Markdown(IReadOnlyList<ResultRow> rows)
    {
        var text = new StringBuilder();
        var c2st = Summarise(rows, r => r.C2st);
        var mmd = Summarise(rows, r => r.Mmd);
        var ours = c2st.Select(s => s.Method).Distinct().ToList();
        text.AppendLine("# Benchmark summary").AppendLine();
        text.AppendLine("C2ST (sbibm's definition; 0.5 is perfect, 1.0 fully distinguishable): mean ± standard error over");
        text.AppendLine("observations, with the number of observations scored in brackets. Published numbers: GATSBI,");
        text.AppendLine("GATSBI-optim and the sequential GATSBI-EBM and GATSBI-inv from the GATSBI paper (ICLR 2022), the others from the");
        text.AppendLine("sbibm paper (AISTATS 2021).").AppendLine();
        foreach (var task in c2st.Select(s => s.Task).Distinct())
        {
            var budgets = c2st.Where(s => s.Task == task).Select(s => s.Simulations).Distinct().Order().ToList();
            bool sequential = rows.Any(r => r.Key.Task == task && r.Key.Method.StartsWith("GATSBI-", StringComparison.Ordinal));
            var candidates = sequential ? [.. PublishedAlgorithms, .. PublishedSequentialAlgorithms] : PublishedAlgorithms;
            var published = candidates.Where(a => budgets.Any(b => PublishedResults.Find(task, a, b) is not null)).ToList();
            text.AppendLine($"## {task}").AppendLine();
            text.AppendLine($"| simulations | {string.Join(" | ", ours.Select(m => $"**{m}**"))} | {string.Join(" | ", published.Select(a => $"{a} (published)"))} |");
            text.AppendLine($"|---:|{string.Concat(Enumerable.Repeat("---:|", ours.Count + published.Count))}");
            foreach (int budget in budgets)
            {
                var cells = ours.Select(m => c2st.FirstOrDefault(s => s.Task == task && s.Method == m && s.Simulations == budget))
                    .Select(s => s is null ? "" : $"**{Format(s.Mean, s.StandardError)}** ({s.Count})");
                var paper = published.Select(a => PublishedResults.Find(task, a, budget))
                    .Select(p => p is null ? "" : Format(p.Mean, p.StandardError));
                text.AppendLine($"| {budget:N0} | {string.Join(" | ", cells)} | {string.Join(" | ", paper)} |");
            }
            text.AppendLine();
        }

        text.AppendLine("## MMD and cost").AppendLine();
        text.AppendLine("MMD² (sbibm's definition, median-heuristic bandwidth on the reference) and the mean seconds per training run.").AppendLine();
        text.AppendLine("| task | method | simulations | MMD² | simulation s | training s | epochs | threads |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var s in c2st)
        {
            var group = rows.Where(r => r.Succeeded && r.Key.Task == s.Task && Label(r.Key) == s.Method && r.Key.Simulations == s.Simulations).ToList();
            var m = mmd.FirstOrDefault(x => x.Task == s.Task && x.Method == s.Method && x.Simulations == s.Simulations);
            text.AppendLine($"| {s.Task} | {s.Method} | {s.Simulations:N0} | {(m is null ? "" : Format(m.Mean, m.StandardError, "F4"))} | " +
                            $"{group.Average(r => r.SimulationSeconds):F3} | {group.Average(r => r.TrainingSeconds):F1} | {group.Max(r => r.Epochs)} | {group.Max(r => r.Threads)} |");
        }

        var failures = rows.Where(r => !r.Succeeded).ToList();
        if (failures.Count > 0)
        {
            text.AppendLine().AppendLine("## Failed cells").AppendLine();
            foreach (var f in failures) text.AppendLine($"- {f.Key}: {f.Status}");
        }
        var versions = rows.Select(r => r.Version).Distinct().ToList();
        text.AppendLine().AppendLine($"Gatsbi.NET version{(versions.Count > 1 ? "s" : "")}: {string.Join(", ", versions)}.");
        return text.ToString();
    }

    private static string Format(double mean, double se, string format = "F3") =>
        double.IsFinite(se)
            ? $"{mean.ToString(format, CultureInfo.InvariantCulture)} ± {se.ToString(format, CultureInfo.InvariantCulture)}"
            : mean.ToString(format, CultureInfo.InvariantCulture);
}
