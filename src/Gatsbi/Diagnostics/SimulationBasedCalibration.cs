using Gatsbi.Distributions;
using Gatsbi.Posteriors;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Diagnostics;

/// <summary>Settings of <see cref="SimulationBasedCalibration"/>.</summary>
public sealed record SbcOptions
{
    /// <summary>Prior draws θ*ᵢ, each with its own simulated xᵢ (N).</summary>
    public int Draws { get; init; } = 1_000;

    /// <summary>Posterior samples per xᵢ that θ*ᵢ is ranked among (L); ranks run from 0 to L.</summary>
    public int PosteriorSamples { get; init; } = 100;

    /// <summary>Runs the simulations; its chunking, not its thread count, fixes the result.</summary>
    public SimulationRunner Runner { get; init; } = new();
}

/// <summary>
/// Simulation-based calibration (Talts et al. 2018): for θ*ᵢ from the prior and xᵢ simulated from it, the
/// rank of θ*ᵢ among L samples of the posterior for xᵢ is uniform on 0..L for every parameter when the
/// posterior is right on average over the prior. Too narrow a posterior puts ranks at both ends (a U), too
/// wide a one in the middle, a biased one at one end. Besides the marginal ranks, a joint rank is kept: the
/// rank of θ*ᵢ's standardised distance from the centre of the L + 1 points (samples and θ*ᵢ), which
/// <see cref="ExpectedCoverage"/> turns into the coverage of joint credible regions.
/// </summary>
public static class SimulationBasedCalibration
{
    /// <summary>
    /// Draws and simulates all N pairs (in parallel, through the options' runner), then samples the posterior
    /// for each xᵢ in turn: one call per observation is the API's unit, and the posterior parallelises
    /// within a call. Every random stream is derived from <paramref name="seed"/>, so the result does not depend
    /// on the thread count. Draws whose simulation returned NaN or ±∞, and draws for which the posterior gave
    /// fewer than L samples (its draw cap was reached), are left out and counted.
    /// </summary>
    /// <param name="posterior">The posterior under test.</param>
    /// <param name="prior">Draws the θ*ᵢ; it must have the posterior's parameter dimension.</param>
    /// <param name="simulator">Simulates xᵢ from θ*ᵢ; its dimensions must match the posterior's.</param>
    /// <param name="options">N, L and the simulation runner.</param>
    /// <param name="seed">Root seed of the prior draws, simulations, posterior sampling and tie-breaks.</param>
    /// <param name="progress">Reports 2N steps: N simulations, then N posteriors sampled.</param>
    /// <param name="cancellation">Checked before each posterior is sampled.</param>
    /// <exception cref="ArgumentException">The prior's, simulator's and posterior's dimensions do not match.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="SbcOptions.Draws"/> or <see cref="SbcOptions.PosteriorSamples"/> is below 1.</exception>
    /// <exception cref="InvalidOperationException">No draw could be used: every simulation failed or every posterior was incomplete.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public static SbcResult Run(IPosterior posterior, IPrior prior, ISimulator simulator, SbcOptions options, ulong seed,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellation = default)
    {
        CheckDimensions(posterior, prior, simulator);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Draws, 1, nameof(options.Draws));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PosteriorSamples, 1, nameof(options.PosteriorSamples));
        int n = options.Draws, samples = options.PosteriorSamples, d = posterior.ParameterDimension;

        var simulationProgress = progress is null ? null : new Progress(p => progress.Report(new WorkProgress(p.Done, 2L * n, "simulating")));
        var pairs = options.Runner.Run(prior, simulator, n, seed, simulationProgress);

        var ranks = new List<int[]>(n);
        var joint = new List<int>(n);
        int failedSimulations = 0, incomplete = 0;
        for (int i = 0; i < n; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            if (!pairs.X.RowIsFinite(i)) failedSimulations++;
            else
            {
                var drawn = posterior.Sample(pairs.X.Row(i), samples, Seeds.Derive(seed, Seeds.Streams.Sampling, (ulong)i));
                if (!drawn.Complete) incomplete++;
                else
                {
                    // Ties (possible with float samples) are broken at random, which keeps exact ranks uniform.
                    var rng = new Rng(Seeds.Derive(seed, Seeds.Streams.Diagnostics, (ulong)i));
                    var theta = pairs.Theta.Row(i).ToArray();
                    ranks.Add(MarginalRanks(theta, drawn.Samples, rng));
                    joint.Add(JointRank(theta, drawn.Samples, rng));
                }
            }
            progress?.Report(new WorkProgress(n + i + 1L, 2L * n, "sampling posteriors"));
        }
        if (ranks.Count == 0)
            throw new InvalidOperationException($"None of the {n} SBC draws could be used: {failedSimulations} simulations failed and {incomplete} posteriors gave fewer than {samples} samples.");

        var rankMatrix = new int[ranks.Count, d];
        for (int i = 0; i < ranks.Count; i++)
            for (int j = 0; j < d; j++) rankMatrix[i, j] = ranks[i][j];
        return new SbcResult(rankMatrix, [.. joint], samples, failedSimulations, incomplete, seed);
    }

    private static void CheckDimensions(IPosterior posterior, IPrior prior, ISimulator simulator)
    {
        if (prior.Dimension != posterior.ParameterDimension)
            throw new ArgumentException($"The prior has {prior.Dimension} parameters; the posterior has {posterior.ParameterDimension}.");
        if (simulator.ParameterDimension != posterior.ParameterDimension)
            throw new ArgumentException($"The simulator takes {simulator.ParameterDimension} parameters; the posterior has {posterior.ParameterDimension}.");
        if (simulator.DataDimension != posterior.DataDimension)
            throw new ArgumentException($"The simulator returns data of dimension {simulator.DataDimension}; the posterior was trained on dimension {posterior.DataDimension}.");
    }

    /// <summary>Per parameter: samples below θ*, plus a uniform share of those equal to it.</summary>
    private static int[] MarginalRanks(float[] theta, float[,] samples, Rng rng)
    {
        var result = new int[theta.Length];
        for (int j = 0; j < theta.Length; j++)
        {
            int below = 0, equal = 0;
            for (int s = 0; s < samples.GetLength(0); s++)
            {
                if (samples[s, j] < theta[j]) below++;
                else if (samples[s, j] == theta[j]) equal++;
            }
            result[j] = below + (equal > 0 ? rng.NextInt(equal + 1) : 0);
        }
        return result;
    }

    /// <summary>
    /// Samples closer to the centre than θ*, in the distance standardised per parameter by the mean and
    /// standard deviation of all L + 1 points. Computing the centre from θ* and the samples together keeps the
    /// statistic symmetric in the L + 1 points, so for an exact posterior (where they are exchangeable) the
    /// rank is exactly uniform.
    /// </summary>
    private static int JointRank(float[] theta, float[,] samples, Rng rng)
    {
        int count = samples.GetLength(0), d = theta.Length;
        var mean = new double[d];
        var scale = new double[d];
        for (int j = 0; j < d; j++)
        {
            double sum = theta[j], squares = (double)theta[j] * theta[j];
            for (int s = 0; s < count; s++)
            {
                sum += samples[s, j];
                squares += (double)samples[s, j] * samples[s, j];
            }
            mean[j] = sum / (count + 1);
            double variance = Math.Max(0, squares / (count + 1) - mean[j] * mean[j]);
            scale[j] = variance > 0 ? 1 / Math.Sqrt(variance) : 0;
        }
        double Distance(ReadOnlySpan<float> point)
        {
            double total = 0;
            for (int j = 0; j < d; j++)
            {
                double z = (point[j] - mean[j]) * scale[j];
                total += z * z;
            }
            return total;
        }
        double target = Distance(theta);
        int closer = 0, equal = 0;
        for (int s = 0; s < count; s++)
        {
            double distance = Distance(samples.Row(s));
            if (distance < target) closer++;
            else if (distance == target) equal++;
        }
        return closer + (equal > 0 ? rng.NextInt(equal + 1) : 0);
    }

    /// <summary>Calls back on the reporting thread, like the CLI's progress bars expect.</summary>
    private sealed class Progress(Action<WorkProgress> report) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => report(value);
    }
}
