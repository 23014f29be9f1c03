using Gatsbi.Distributions;
using Gatsbi.Simulation;

namespace Gatsbi.Inference.Gatsbi;

/// <summary>Amortised GATSBI with given options, through <see cref="GatsbiTrainer"/> exactly as a user calls it.</summary>
public sealed class GatsbiMethod(string preset, GatsbiOptions options) : IAmortizedMethod
{
    /// <summary>"GATSBI".</summary>
    public string Name => "GATSBI";

    /// <inheritdoc/>
    public string Preset { get; } = preset;

    /// <summary>The options given to <see cref="GatsbiTrainer"/>.</summary>
    public GatsbiOptions Options { get; } = options;

    /// <inheritdoc/>
    public TrainedPosterior Train(SimulationSet simulations, IPrior prior, ulong seed, IProgress<WorkProgress>? progress, CancellationToken cancellation)
    {
        var result = new GatsbiTrainer(Options).Train(simulations, prior, seed, TrainingAsWork.Of(progress), cancellation);
        return new TrainedPosterior(result.Posterior, result.Epochs, result.Threads, result.Elapsed, TrainingCurves.Of(result.Log));
    }
}
