using Gatsbi.Simulation;

namespace Gatsbi.Benchmarks;

/// <summary>A statistic of one simulated data vector x, at parameters fixed when it was made.</summary>
public delegate double DataStatistic(ReadOnlySpan<float> x);

/// <summary>
/// Checks that a task's stored observations are plausible under its simulator: for each observation, many x
/// are simulated at the true parameters, and the observation's value of the task's discrepancy statistic
/// (<see cref="BenchmarkTask.PlausibilityStatistic"/>) is placed among the simulated values as a percentile.
/// With a correct simulator the ten percentiles look like draws from U(0, 1); a wrong noise scale, output
/// order or time grid pushes them all to one end. A few stored observations are genuine tail draws, so the
/// verdict is on the ten together (Kolmogorov–Smirnov), never on one small percentile.
/// </summary>
public static class PlausibilityCheck
{
    /// <summary>The 0.1% critical value of the one-sample Kolmogorov–Smirnov statistic for n = 10 (tables: 0.4889).</summary>
    public const double KsCritical = 0.4889;

    /// <summary>Places each of the task's ten stored observations among simulations at its true parameters.</summary>
    /// <param name="task">The task whose stored observations, true parameters and simulator are checked.</param>
    /// <param name="simulationsPerObservation">Simulations at each θ_true; 20,000 gives percentiles to about ±0.01.</param>
    /// <param name="seed">Root seed; observation k simulates on a stream derived from it and k, so a result is reproducible.</param>
    /// <param name="runner">Runs the simulations (and sets their parallelism); null for a default <see cref="SimulationRunner"/>.</param>
    /// <returns>
    /// Per observation, the fraction of finite simulations whose statistic is below x_o's (ties count half; NaN when every
    /// simulation failed), the failed simulations, and the Kolmogorov–Smirnov distance of the ten fractions from U(0, 1).
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="simulationsPerObservation"/> is below 1.</exception>
    public static PlausibilityResult Run(BenchmarkTask task, int simulationsPerObservation, ulong seed, SimulationRunner? runner = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(simulationsPerObservation, 1);
        runner ??= new SimulationRunner();
        var percentiles = new double[BenchmarkTask.ObservationCount];
        var failed = new int[BenchmarkTask.ObservationCount];
        for (int k = 1; k <= BenchmarkTask.ObservationCount; k++)
        {
            var theta = task.TrueParameters(k);
            var statistic = task.PlausibilityStatistic(theta);
            double observed = statistic(task.Observation(k));
            var x = runner.Simulate(task.Simulator, Matrices.Repeat(theta, simulationsPerObservation), Randomness.Seeds.Derive(seed, (ulong)k));
            double below = 0;
            int used = 0;
            for (int i = 0; i < simulationsPerObservation; i++)
            {
                if (!x.RowIsFinite(i)) { failed[k - 1]++; continue; }
                double s = statistic(x.Row(i));
                below += s < observed ? 1 : s == observed ? 0.5 : 0;
                used++;
            }
            percentiles[k - 1] = used == 0 ? double.NaN : below / used;
        }
        return new PlausibilityResult(task.Name, percentiles, failed, KolmogorovSmirnovUniform(percentiles));
    }

    /// <summary>Kolmogorov–Smirnov distance of the values from U(0, 1): the largest gap between their empirical CDF and the identity.</summary>
    /// <returns>A distance in [0, 1]; NaN when any value is NaN.</returns>
    public static double KolmogorovSmirnovUniform(IReadOnlyCollection<double> values)
    {
        if (values.Any(double.IsNaN)) return double.NaN;
        var sorted = values.Order().ToArray();
        double d = 0;
        for (int i = 0; i < sorted.Length; i++)
            d = Math.Max(d, Math.Max((i + 1.0) / sorted.Length - sorted[i], sorted[i] - (double)i / sorted.Length));
        return d;
    }
}

/// <summary>Percentiles of the ten stored observations among simulations at their true parameters.</summary>
/// <param name="Task">The task's sbibm name.</param>
/// <param name="Percentiles">Per observation 1..10 (index 0..9), x_o's percentile in [0, 1] among the simulations; NaN when all failed.</param>
/// <param name="FailedSimulations">Per observation, simulations that gave a non-finite row (left out).</param>
/// <param name="KsDistance">Kolmogorov–Smirnov distance of <see cref="Percentiles"/> from U(0, 1); NaN when a percentile is NaN.</param>
public sealed record PlausibilityResult(string Task, double[] Percentiles, int[] FailedSimulations, double KsDistance)
{
    /// <summary>True when the ten percentiles pass the Kolmogorov–Smirnov test of uniformity at the 0.1% level.</summary>
    public bool Plausible => KsDistance < PlausibilityCheck.KsCritical;
}
