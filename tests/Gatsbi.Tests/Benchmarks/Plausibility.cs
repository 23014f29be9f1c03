using Gatsbi.Benchmarks;
using Gatsbi.Simulation;

namespace Gatsbi.Tests.Benchmarks;

/// <summary>
/// sbibm_tasks.md §4.2: is each stored observation plausible under our simulator at its true parameters?
/// For each observation, simulate many x at θ_true and find where x_o's value of a discrepancy statistic
/// falls among the simulated values (its percentile). Across the ten observations the percentiles should
/// look uniform; a few stored observations genuinely sit in the tails, so no single small value fails.
/// </summary>
public static class Plausibility
{
    public delegate double Statistic(ReadOnlySpan<float> theta, ReadOnlySpan<float> x);

    /// <summary>Percentile of x_o's statistic for observations 1..10; ties count half.</summary>
    public static double[] Percentiles(BenchmarkTask task, Statistic statistic, int simulations, ulong seed)
    {
        var runner = new SimulationRunner();
        var percentiles = new double[BenchmarkTask.ObservationCount];
        for (int k = 1; k <= BenchmarkTask.ObservationCount; k++)
        {
            var theta = task.TrueParameters(k);
            double observed = statistic(theta, task.Observation(k));
            var x = runner.Simulate(task.Simulator, Matrices.Repeat(theta, simulations), seed + (ulong)k);
            double below = 0;
            for (int i = 0; i < simulations; i++)
            {
                double s = statistic(theta, x.Row(i));
                below += s < observed ? 1 : s == observed ? 0.5 : 0;
            }
            percentiles[k - 1] = below / simulations;
        }
        return percentiles;
    }

    /// <summary>Kolmogorov–Smirnov distance of the values from U(0, 1).</summary>
    public static double KolmogorovSmirnovUniform(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        double d = 0;
        for (int i = 0; i < sorted.Length; i++)
            d = Math.Max(d, Math.Max((i + 1.0) / sorted.Length - sorted[i], sorted[i] - (double)i / sorted.Length));
        return d;
    }

    /// <summary>
    /// The 0.1% critical value of the one-sample KS statistic for n = 10 (tables: 0.4889). A simulator with
    /// the wrong noise scale or output order pushes all ten percentiles to 0 or 1 (D near 1).
    /// </summary>
    public const double KsCritical10 = 0.4889;

    public static void AssertRoughlyUniform(double[] percentiles)
    {
        double d = KolmogorovSmirnovUniform(percentiles);
        Assert.True(d < KsCritical10,
            $"Percentiles of the stored observations look non-uniform (KS D = {d:F3}): {string.Join(", ", percentiles.Select(p => p.ToString("F4")))}");
    }
}
