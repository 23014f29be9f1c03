using System.Diagnostics;
using Gatsbi.Benchmarks;
using Gatsbi.Simulation;

namespace Gatsbi.Bench;

/// <summary>
/// Simulations per second of every benchmark task at each thread count (prior draws plus simulator, as
/// <see cref="SimulationRunner.Run"/> does them), median of several runs, and the speed-up over one thread.
/// Example: simulation-throughput repeats=5 threads-list=1,2 tasks=slcp,sir scale=1
/// </summary>
internal static class SimulationThroughput
{
    /// <summary>Simulations per run at scale 1: each run takes about a second or more on one core.</summary>
    private static readonly Dictionary<string, int> DefaultCounts = new()
    {
        ["two_moons"] = 1_000_000, ["slcp"] = 500_000, ["slcp_distractors"] = 100_000, ["gaussian_linear"] = 500_000,
        ["gaussian_linear_uniform"] = 500_000, ["gaussian_mixture"] = 1_000_000, ["bernoulli_glm"] = 100_000,
        ["bernoulli_glm_raw"] = 100_000, ["sir"] = 20_000, ["lotka_volterra"] = 10_000,
    };

    public static int Run(Settings s)
    {
        int repeats = s.Int("repeats", 5);
        int[] threadCounts = s.Ints("threads-list", "1,2");
        double scale = s.Double("scale", 1);
        var names = s.Get("tasks", string.Join(",", TaskRegistry.Names)).Split(',', StringSplitOptions.RemoveEmptyEntries);
        s.EnsureAllUsed();
        Console.WriteLine($"Release build, {Environment.ProcessorCount} cores, {repeats} runs per cell, median simulations/s.");
        Console.WriteLine($"| task | simulations per run | {string.Join(" | ", threadCounts.Select(t => $"{t} thread{(t == 1 ? "" : "s")}"))} | speed-up {threadCounts[^1]} vs {threadCounts[0]} |");
        Console.WriteLine($"|---|---:|{string.Join("", threadCounts.Select(_ => "---:|"))}---:|");
        foreach (var name in names)
        {
            var task = TaskRegistry.Get(name);
            int count = Math.Max(1_000, (int)(scale * DefaultCounts.GetValueOrDefault(task.Name, 100_000)));
            // Untimed warm-up: JIT, lazily loaded task data, thread pool start.
            new SimulationRunner().Run(task.Prior, task.Simulator, Math.Min(count, 2_000), 99);
            var medians = threadCounts.Select(threads =>
            {
                var rates = new List<double>();
                for (int r = 0; r < repeats; r++)
                {
                    var watch = Stopwatch.StartNew();
                    new SimulationRunner { MaxThreads = threads }.Run(task.Prior, task.Simulator, count, (ulong)r + 1);
                    rates.Add(count / watch.Elapsed.TotalSeconds);
                }
                rates.Sort();
                return rates[rates.Count / 2];
            }).ToArray();
            Console.WriteLine($"| {task.Name} | {count:N0} | {string.Join(" | ", medians.Select(Rate))} | {medians[^1] / medians[0]:F2}× |");
        }
        return 0;
    }

    private static string Rate(double perSecond) => perSecond >= 1e6 ? $"{perSecond / 1e6:F2} M" : perSecond >= 1e3 ? $"{perSecond / 1e3:F1} k" : $"{perSecond:F0}";
}
