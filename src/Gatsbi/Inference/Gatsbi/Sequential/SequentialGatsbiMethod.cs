using Gatsbi.Distributions;
using Gatsbi.Simulation;

namespace Gatsbi.Inference.Gatsbi.Sequential;

/// <summary>
/// Sequential GATSBI with one correction, named as the GATSBI paper's tables: "GATSBI-inv" (inverse importance
/// weights), "GATSBI-imp" (importance weights), "GATSBI-EBM" (energy-based). Round 0 is shared by all observations,
/// and with a <see cref="SharedFirstRounds"/> also by the methods that differ only in their later rounds.
/// </summary>
public sealed class SequentialGatsbiMethod(string preset, SequentialOptions options, SharedFirstRounds? shared = null) : IStagedMethod
{
    /// <summary>The name of the correction in <see cref="Options"/> (<see cref="NameOf"/>).</summary>
    public string Name => NameOf(Options.Correction);

    /// <inheritdoc/>
    public string Preset { get; } = preset;

    /// <summary>The options given to <see cref="SequentialGatsbi"/>.</summary>
    public SequentialOptions Options { get; } = options;

    /// <summary>The table name of <paramref name="correction"/>: "GATSBI-inv", "GATSBI-imp" or "GATSBI-EBM".</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="correction"/> is not a defined value.</exception>
    public static string NameOf(SequentialCorrection correction) => correction switch
    {
        SequentialCorrection.InverseImportanceWeights => "GATSBI-inv",
        SequentialCorrection.ImportanceWeights => "GATSBI-imp",
        SequentialCorrection.EnergyBased => "GATSBI-EBM",
        _ => throw new ArgumentOutOfRangeException(nameof(correction), correction, null),
    };

    /// <summary>Trains round 0 (or takes it from the shared cache, which then keeps ownership of it).</summary>
    public IObservationStage Prepare(IPrior prior, ISimulator simulator, int simulations, ulong seed, IProgress<WorkProgress>? progress, CancellationToken cancellation)
    {
        var sequential = new SequentialGatsbi(Options);
        return shared is null
            ? new Stage(sequential, sequential.FirstRound(prior, simulator, simulations, seed, progress, cancellation), ownsStart: true)
            : new Stage(sequential, shared.GetOrTrain(sequential, prior, simulator, simulations, seed, progress, cancellation), ownsStart: false);
    }

    /// <summary>Round 0 and the later rounds for one observation, as one run.</summary>
    public TrainedPosterior Infer(IPrior prior, ISimulator simulator, float[] observation, int simulations, ulong seed,
        IProgress<WorkProgress>? progress, CancellationToken cancellation)
    {
        using var stage = Prepare(prior, simulator, simulations, seed, progress, cancellation);
        return stage.Infer(observation, seed, progress, cancellation);
    }

    private sealed class Stage(SequentialGatsbi sequential, SequentialStart start, bool ownsStart) : IObservationStage
    {
        public TrainedPosterior Infer(float[] observation, ulong seed, IProgress<WorkProgress>? progress, CancellationToken cancellation)
        {
            var result = sequential.Refine(start, observation, seed, progress, cancellation);
            return new TrainedPosterior(result.Posterior, result.Epochs, result.Threads, result.Elapsed, TrainingCurves.Of(result.Log), result.SimulationSeconds);
        }

        public void Dispose()
        {
            if (ownsStart) start.Dispose();
        }
    }
}

/// <summary>
/// Round 0 of sequential GATSBI kept for every method that shares it: the same prior, simulator, budget, seed,
/// round-0 options and round split give the same round 0, so the three corrections train it once. Disposing
/// the cache frees the networks.
/// </summary>
public sealed class SharedFirstRounds : IDisposable
{
    private readonly Dictionary<Key, SequentialStart> _starts = [];

    private sealed record Key(IPrior Prior, ISimulator Simulator, int Simulations, ulong Seed, GatsbiOptions Gatsbi, int Rounds, double FirstRoundFraction,
        bool BatchSizeFromTotal);

    /// <summary>
    /// Round 0 for this prior, simulator, budget, seed, round-0 options and round split, trained with
    /// <paramref name="sequential"/> on first request and kept; the cache owns it, so callers must not dispose it. Not thread-safe.
    /// </summary>
    public SequentialStart GetOrTrain(SequentialGatsbi sequential, IPrior prior, ISimulator simulator, int simulations, ulong seed,
        IProgress<WorkProgress>? progress, CancellationToken cancellation)
    {
        var o = sequential.Options;
        var key = new Key(prior, simulator, simulations, seed, o.Gatsbi, o.Rounds, o.FirstRoundFraction, o.BatchSizeFromTotal);
        if (!_starts.TryGetValue(key, out var start))
            _starts[key] = start = sequential.FirstRound(prior, simulator, simulations, seed, progress, cancellation);
        return start;
    }

    /// <summary>Disposes every cached round 0 and empties the cache.</summary>
    public void Dispose()
    {
        foreach (var start in _starts.Values) start.Dispose();
        _starts.Clear();
    }
}
