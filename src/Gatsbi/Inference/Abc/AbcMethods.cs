using Gatsbi.Distributions;
using Gatsbi.Simulation;

namespace Gatsbi.Inference.Abc;

/// <summary>Rejection ABC for one observation, as sbibm ran it (keep the 100 closest, CV-bandwidth KDE).</summary>
public sealed class RejectionAbcMethod(RejectionAbcOptions options) : IObservationMethod
{
    /// <summary>"REJ-ABC", as the sbibm paper names it.</summary>
    public string Name => "REJ-ABC";

    /// <summary>"sbibm": the configuration sbibm ran.</summary>
    public string Preset => "sbibm";

    /// <summary>The options given to <see cref="RejectionAbc"/>.</summary>
    public RejectionAbcOptions Options { get; } = options;

    /// <inheritdoc/>
    public TrainedPosterior Infer(IPrior prior, ISimulator simulator, float[] observation, int simulations, ulong seed,
        IProgress<WorkProgress>? progress, CancellationToken cancellation) =>
        Wrap(new RejectionAbc(Options).Run(prior, simulator, observation, simulations, seed, progress, cancellation));

    internal static TrainedPosterior Wrap(AbcResult result) =>
        new(result.Posterior, result.Populations, 1, result.Elapsed, TrainingCurves.Of(result));
}

/// <summary>SMC-ABC for one observation, as sbibm ran sbi's implementation (P = 100 or 1,000, ε by distance mass 0.2, kernel 0.5 × covariance).</summary>
public sealed class SmcAbcMethod(SmcAbcOptions options) : IObservationMethod
{
    /// <summary>"SMC-ABC", as the sbibm paper names it.</summary>
    public string Name => "SMC-ABC";

    /// <summary>"sbibm": the configuration sbibm ran.</summary>
    public string Preset => "sbibm";

    /// <summary>The options given to <see cref="SmcAbc"/>.</summary>
    public SmcAbcOptions Options { get; } = options;

    /// <inheritdoc/>
    public TrainedPosterior Infer(IPrior prior, ISimulator simulator, float[] observation, int simulations, ulong seed,
        IProgress<WorkProgress>? progress, CancellationToken cancellation) =>
        RejectionAbcMethod.Wrap(new SmcAbc(Options).Run(prior, simulator, observation, simulations, seed, progress, cancellation));
}
