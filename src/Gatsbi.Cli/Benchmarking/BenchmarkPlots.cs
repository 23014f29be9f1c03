using Gatsbi.Benchmarks.Published;
using Gatsbi.Benchmarks.Running;
using Gatsbi.Plotting;

namespace Gatsbi.Cli.Benchmarking;

/// <summary>C2ST against simulation budget per task, ours beside the published methods (the sbibm paper's figure style).</summary>
internal static class BenchmarkPlots
{
    public static IReadOnlyList<string> WriteBudgetPlots(string folder, IReadOnlyList<ResultRow> rows)
    {
        var summaries = SummaryTable.Summarise(rows, r => r.C2st);
        var written = new List<string>();
        foreach (var task in summaries.Select(s => s.Task).Distinct())
        {
            var budgets = summaries.Where(s => s.Task == task).Select(s => s.Simulations).Distinct().Order().ToList();
            var plot = new LinePlot
            {
                Title = $"{task}: C2ST, mean over observations",
                XLabel = "number of simulations",
                YLabel = "C2ST (0.5 is perfect)",
                LogX = true,
                YRange = new AxisRange(0.45, 1.02),
            };
            foreach (var method in summaries.Where(s => s.Task == task).Select(s => s.Method).Distinct())
            {
                var ours = summaries.Where(s => s.Task == task && s.Method == method).OrderBy(s => s.Simulations).ToList();
                plot.Add($"{method}, Gatsbi.NET", [.. ours.Select(s => (double)s.Simulations)], [.. ours.Select(s => s.Mean)]);
            }
            foreach (var algorithm in SummaryTable.PublishedAlgorithms)
            {
                var published = PublishedResults.All.Where(p => p.Task == task && p.Algorithm == algorithm)
                    .GroupBy(p => p.Simulations).Select(g => PublishedResults.Find(task, algorithm, g.Key)!)
                    .Where(p => p.Simulations >= budgets[0] / 10 && p.Simulations <= budgets[^1] * 10)
                    .OrderBy(p => p.Simulations).ToList();
                if (published.Count > 0)
                    plot.Add($"{algorithm} (published)", [.. published.Select(p => (double)p.Simulations)], [.. published.Select(p => p.Mean)]);
            }
            string path = Path.Combine(folder, $"c2st_{task}.png");
            plot.SavePng(path);
            written.Add(path);
        }
        return written;
    }
}
