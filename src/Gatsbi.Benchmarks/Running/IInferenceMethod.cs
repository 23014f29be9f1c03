using Gatsbi.Distributions;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Posteriors;
using Gatsbi.Simulation;

namespace Gatsbi.Benchmarks.Running;

/// <summary>An amortised inference method as the benchmark runs it: simulations in, a posterior for any observation out.</summary>
public interface IInferenceMethod
{
    /// <summary>Name in result files, e.g. "GATSBI".</summary>
    string Name { get; }

    /// <summary>Named configuration, e.g. "fast" or "paper".</summary>
    string Preset { get; }

    TrainedPosterior Train(SimulationSet simulations, Support? support, ulong seed, IProgress<TrainingProgress>? progress, CancellationToken cancellation);
}

/// <summary>A trained posterior with the facts a results file records; disposing it frees the networks.</summary>
public sealed record TrainedPosterior(IPosterior Posterior, int Epochs, int Threads, TimeSpan Elapsed, IReadOnlyList<TrainingRecord> Log) : IDisposable
{
    public void Dispose() => (Posterior as IDisposable)?.Dispose();
}

/// <summary>Amortised GATSBI with given options, through <see cref="GatsbiTrainer"/> exactly as a user calls it.</summary>
public sealed class GatsbiMethod(string preset, GatsbiOptions options) : IInferenceMethod
{
    public string Name => "GATSBI";
    public string Preset { get; } = preset;
    public GatsbiOptions Options { get; } = options;

    public TrainedPosterior Train(SimulationSet simulations, Support? support, ulong seed, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var result = new GatsbiTrainer(Options).Train(simulations, support, seed, progress, cancellation);
        return new TrainedPosterior(result.Posterior, result.Epochs, result.Threads, result.Elapsed, result.Log);
    }
}
