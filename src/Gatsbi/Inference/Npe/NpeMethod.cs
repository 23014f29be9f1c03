using Gatsbi.Distributions;
using Gatsbi.Simulation;

namespace Gatsbi.Inference.Npe;

/// <summary>Amortised NPE (one round) with given options, through <see cref="NpeTrainer"/>.</summary>
public sealed class NpeMethod(string preset, NpeOptions options) : IAmortizedMethod
{
    /// <summary>"NPE".</summary>
    public string Name => "NPE";

    /// <inheritdoc/>
    public string Preset { get; } = preset;

    /// <summary>The options given to <see cref="NpeTrainer"/>.</summary>
    public NpeOptions Options { get; } = options;

    /// <inheritdoc/>
    public TrainedPosterior Train(SimulationSet simulations, IPrior prior, ulong seed, IProgress<WorkProgress>? progress, CancellationToken cancellation)
    {
        var result = new NpeTrainer(Options).Train(simulations, prior, seed, TrainingAsWork.Of(progress), cancellation);
        return new TrainedPosterior(result.Posterior, result.Epochs, result.Threads, result.Elapsed, TrainingCurves.Of(result.Log));
    }
}
