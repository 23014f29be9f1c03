using Gatsbi.Benchmarks;

namespace Gatsbi.Bench;

/// <summary>
/// Percentile of each stored observation's discrepancy statistic among simulations at its true parameters,
/// per task, with the Kolmogorov–Smirnov verdict (see <see cref="PlausibilityCheck"/>).
/// Example: plausibility simulations=20000 tasks=sir,lotka_volterra seed=1
/// </summary>
internal static class Plausibility
{
    public static int Run(Settings s)
    {
        int simulations = s.Int("simulations", 20_000);
        ulong seed = (ulong)s.Int("seed", 1);
        var names = s.Get("tasks", string.Join(",", TaskRegistry.Names)).Split(',', StringSplitOptions.RemoveEmptyEntries);
        s.EnsureAllUsed();
        Console.WriteLine($"{simulations:N0} simulations per observation, seed {seed}; KS critical value (n = 10, 0.1%) {PlausibilityCheck.KsCritical}.");
        Console.WriteLine($"| task | {string.Join(" | ", Enumerable.Range(1, BenchmarkTask.ObservationCount))} | KS D | plausible |");
        Console.WriteLine($"|---|{string.Concat(Enumerable.Repeat("---:|", BenchmarkTask.ObservationCount))}---:|---|");
        foreach (var name in names)
        {
            var result = PlausibilityCheck.Run(TaskRegistry.Get(name), simulations, seed);
            Console.WriteLine($"| {name} | {string.Join(" | ", result.Percentiles.Select(p => p.ToString("F3")))} | {result.KsDistance:F3} | {(result.Plausible ? "yes" : "NO")} |");
        }
        return 0;
    }
}
