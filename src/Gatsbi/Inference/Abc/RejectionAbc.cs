using System.Diagnostics;
using Gatsbi.Distributions;
using Gatsbi.Posteriors;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Inference.Abc;

/// <summary>Settings of rejection ABC. The defaults are those of the sbibm paper's REJ-ABC row.</summary>
public sealed record RejectionAbcOptions
{
    /// <summary>How many θ to keep: those whose x lie closest to the observation (100 at every budget in the paper).</summary>
    public int KeepCount { get; init; } = 100;

    /// <summary>
    /// Smooth the kept θ with a Gaussian KDE whose bandwidth is cross-validated, and sample from it (the paper
    /// setting); otherwise the posterior resamples the kept θ themselves.
    /// </summary>
    public bool SampleKde { get; init; } = true;

    /// <summary>How x is compared with the observation; L2 (Euclidean, on raw unscaled x) as in sbibm.</summary>
    public AbcDistance Distance { get; init; } = AbcDistance.L2;
}

/// <summary>
/// Rejection ABC as sbibm 1.0 runs it with sbi 0.14.2 (the paper's REJ-ABC): draw the whole budget of θ from
/// the prior, simulate, keep the <see cref="RejectionAbcOptions.KeepCount"/> θ whose x are closest to the
/// observation (in order of increasing distance, which fixes the KDE's cross-validation folds), and fit a KDE
/// with a cross-validated bandwidth on them. No regression adjustment is made.
/// The linear regression adjustment (LRA) and semi-automatic summary statistics (SASS) that sbi offers are
/// not implemented: the paper ran without them.
/// </summary>
public sealed class RejectionAbc(RejectionAbcOptions? options = null, SimulationRunner? runner = null)
{
    private readonly SimulationRunner _runner = runner ?? new SimulationRunner();

    /// <summary>The settings in use (the defaults when none were given), checked when the instance was created.</summary>
    /// <exception cref="ArgumentException">
    /// Thrown on construction when <see cref="RejectionAbcOptions.KeepCount"/> is not positive, or is below
    /// <see cref="KdeBandwidthSearch.Folds"/> while <see cref="RejectionAbcOptions.SampleKde"/> is on.
    /// </exception>
    public RejectionAbcOptions Options { get; } = Checked(options ?? new RejectionAbcOptions());

    /// <summary>
    /// Runs rejection ABC on <paramref name="budget"/> fresh simulations. θ and x come from the same streams as
    /// <see cref="SimulationRunner.Run"/> with <paramref name="seed"/>, so running on that bank gives the same
    /// result. The same seed gives the same result whatever the thread count of the runner.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The prior, simulator and observation disagree on dimensions, the observation is not finite, or
    /// <paramref name="budget"/> is below
    /// <see cref="RejectionAbcOptions.KeepCount"/>.
    /// </exception>
    /// <exception cref="InvalidOperationException">Fewer than <see cref="RejectionAbcOptions.KeepCount"/> simulations gave finite x.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled during the simulations.</exception>
    public AbcResult Run(IPrior prior, ISimulator simulator, float[] observation, int budget, ulong seed,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        ObservationChecks.RequireProblem(prior, simulator, observation);
        CheckBudget(budget, "budget");
        var theta = prior.Sample(budget, new Rng(Seeds.Derive(seed, Seeds.Streams.Prior)));
        var x = AbcRun.Simulate(_runner, simulator, theta, seed, progress, 0, budget, "rejection ABC: simulating", cancellation);
        return Accept(theta, x, observation, clock);
    }

    /// <summary>Runs rejection ABC on pairs simulated earlier (for example read from files); all of them count as the budget.</summary>
    /// <exception cref="ArgumentException">
    /// The observation's length differs from the bank's data dimension or it is not finite, or the bank holds fewer than
    /// <see cref="RejectionAbcOptions.KeepCount"/> pairs.
    /// </exception>
    /// <exception cref="InvalidOperationException">Fewer than <see cref="RejectionAbcOptions.KeepCount"/> of the bank's x are finite.</exception>
    public AbcResult Run(SimulationSet bank, float[] observation)
    {
        var clock = Stopwatch.StartNew();
        ObservationChecks.RequireDimension(observation, bank.DataDimension, "the bank's x have");
        CheckBudget(bank.Count, "bank of simulations");
        return Accept(bank.Theta, bank.X, observation, clock);
    }

    private AbcResult Accept(float[,] theta, float[,] x, float[] observation, Stopwatch clock)
    {
        var distances = Options.Distance.ToObservation(x, observation);
        var kept = AbcRun.Closest(distances, Options.KeepCount);
        var particles = theta.SelectRows(kept);
        var keptDistances = kept.Select(i => distances[i]).ToArray();
        var weights = Enumerable.Repeat(1.0 / kept.Length, kept.Length).ToArray();
        var kde = Options.SampleKde ? GaussianKde.FitCrossValidated(AbcRun.ToDouble(particles)) : null;
        var posterior = new AbcPosterior(observation, particles, weights, kde);
        return new AbcResult(posterior, particles, weights, keptDistances, distances.Length, Populations: 1,
            [keptDistances[^1]], CarriedOver: 0, clock.Elapsed);
    }

    private void CheckBudget(int simulations, string what)
    {
        if (simulations < Options.KeepCount)
            throw new ArgumentException($"The {what} of {simulations} simulations is smaller than the {Options.KeepCount} θ rejection ABC keeps.");
    }

    private static RejectionAbcOptions Checked(RejectionAbcOptions options)
    {
        if (options.KeepCount < 1)
            throw new ArgumentException($"RejectionAbcOptions.KeepCount must be positive; got {options.KeepCount}.");
        if (options.SampleKde && options.KeepCount < KdeBandwidthSearch.Folds)
            throw new ArgumentException($"RejectionAbcOptions.KeepCount is {options.KeepCount}; the KDE's bandwidth is cross-validated over {KdeBandwidthSearch.Folds} folds, so it needs at least {KdeBandwidthSearch.Folds} θ.");
        return options;
    }
}
