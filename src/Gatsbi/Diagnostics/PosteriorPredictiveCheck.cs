using Gatsbi.Posteriors;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Diagnostics;

/// <summary>Settings of <see cref="PosteriorPredictiveCheck"/>.</summary>
public sealed record PpcOptions
{
    /// <summary>Posterior samples drawn, each simulated once (M).</summary>
    public int PosteriorSamples { get; init; } = 1_000;

    /// <summary>Runs the predictive simulations; its chunk size, not its thread count, fixes the result.</summary>
    public SimulationRunner Runner { get; init; } = new();
}

/// <summary>
/// Posterior predictive check for one observation x_o: θ from the posterior for x_o, one x simulated per θ.
/// If the posterior (and the model) fit, x_o looks like one of the predictive x: its percentile in each data
/// dimension is not extreme, and its median distance to the predictive x (sbibm's MEDDIST) is close to the
/// median distance between two independent predictive draws.
/// </summary>
public static class PosteriorPredictiveCheck
{
    /// <summary>
    /// Draws <see cref="PpcOptions.PosteriorSamples"/> θ from <paramref name="posterior"/> for
    /// <paramref name="observation"/>, simulates one x for each, and compares x_o with the finite simulations.
    /// Deterministic for a seed, whatever the thread count.
    /// </summary>
    /// <param name="posterior">The posterior to check.</param>
    /// <param name="simulator">The model; it must map the posterior's parameters to data of the posterior's data dimension.</param>
    /// <param name="observation">x_o, one value per data dimension.</param>
    /// <param name="options">Sample count and simulation runner.</param>
    /// <param name="seed">Root seed of the posterior sampling and the predictive simulations.</param>
    /// <param name="progress">Reports the predictive simulations, in rows.</param>
    /// <exception cref="ArgumentException">The simulator's and the posterior's dimensions differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="PpcOptions.PosteriorSamples"/> is below 2.</exception>
    /// <exception cref="InvalidOperationException">The posterior gave fewer than 2 samples (its draw cap was reached), or fewer than 2 predictive simulations were finite.</exception>
    public static PpcResult Run(IPosterior posterior, ISimulator simulator, ReadOnlySpan<float> observation, PpcOptions options, ulong seed,
        IProgress<WorkProgress>? progress = null)
    {
        if (simulator.ParameterDimension != posterior.ParameterDimension || simulator.DataDimension != posterior.DataDimension)
            throw new ArgumentException($"The simulator maps {simulator.ParameterDimension} parameters to {simulator.DataDimension} values; the posterior maps data of dimension {posterior.DataDimension} to {posterior.ParameterDimension} parameters.");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PosteriorSamples, 2, nameof(options.PosteriorSamples));
        var xo = observation.ToArray();
        var theta = posterior.Sample(xo, options.PosteriorSamples, Seeds.Derive(seed, Seeds.Streams.Sampling)).Samples;
        if (theta.GetLength(0) < 2)
            throw new InvalidOperationException($"The posterior gave {theta.GetLength(0)} samples for the observation (its draw cap was reached); a predictive check needs at least 2.");
        var simulated = options.Runner.Simulate(simulator, theta, Seeds.Derive(seed, Seeds.Streams.Simulation), progress);
        var finite = Enumerable.Range(0, simulated.GetLength(0)).Where(simulated.RowIsFinite).ToArray();
        if (finite.Length < 2)
            throw new InvalidOperationException($"Only {finite.Length} of {simulated.GetLength(0)} predictive simulations returned finite values; a predictive check needs at least 2.");
        var predictive = simulated.SelectRows(finite);

        var percentiles = new double[xo.Length];
        for (int j = 0; j < xo.Length; j++)
        {
            double below = 0;
            for (int i = 0; i < predictive.GetLength(0); i++)
                below += predictive[i, j] < xo[j] ? 1 : predictive[i, j] == xo[j] ? 0.5 : 0; // mid-rank for discrete data
            percentiles[j] = below / predictive.GetLength(0);
        }
        var toObservation = Enumerable.Range(0, predictive.GetLength(0)).Select(i => Distance(predictive.Row(i), xo)).ToArray();
        // Disjoint pairs, so that the reference distances are between independent draws.
        var betweenDraws = Enumerable.Range(0, predictive.GetLength(0) / 2).Select(i => Distance(predictive.Row(2 * i), predictive.Row(2 * i + 1))).ToArray();
        return new PpcResult(xo, predictive, percentiles, Median(toObservation), Median(betweenDraws), simulated.GetLength(0) - finite.Length);
    }

    private static double Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int j = 0; j < a.Length; j++) sum += ((double)a[j] - b[j]) * ((double)a[j] - b[j]);
        return Math.Sqrt(sum);
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        int m = values.Length / 2;
        return values.Length % 2 == 1 ? values[m] : (values[m - 1] + values[m]) / 2;
    }
}

/// <summary>The predictive draws for x_o and how x_o sits among them.</summary>
/// <param name="Observation">x_o, as given.</param>
/// <param name="Predictive">The finite predictive simulations, one row per posterior sample.</param>
/// <param name="Percentiles">Per data dimension, the fraction of predictive values below x_o (ties count half).</param>
/// <param name="MedianDistance">Median Euclidean distance from the predictive x to x_o (sbibm's MEDDIST).</param>
/// <param name="ReferenceMedianDistance">Median distance between two independent predictive draws: the scale to judge MEDDIST by.</param>
/// <param name="FailedSimulations">Predictive simulations that returned NaN or ±∞ (left out).</param>
public sealed record PpcResult(float[] Observation, float[,] Predictive, double[] Percentiles, double MedianDistance, double ReferenceMedianDistance, int FailedSimulations)
{
    /// <summary>Percentiles outside [0.5%, 99.5%] are flagged: x_o is then in a 1% two-sided tail of the predictive in that dimension.</summary>
    public const double ExtremeTail = 0.005;

    /// <summary>True when x_o's percentile in data dimension <paramref name="dimension"/> lies outside [<see cref="ExtremeTail"/>, 1 − <see cref="ExtremeTail"/>].</summary>
    public bool IsExtreme(int dimension) => Percentiles[dimension] < ExtremeTail || Percentiles[dimension] > 1 - ExtremeTail;
}
