using Gatsbi.Distributions;
using Gatsbi.Inference.Abc;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Inference.Gatsbi.Sequential;
using Gatsbi.Inference.Npe;
using Gatsbi.Posteriors;
using Gatsbi.Simulation;

namespace Gatsbi.Benchmarks.Running;

/// <summary>An inference method as the benchmark runs it. It is either amortised or per observation.</summary>
public interface IInferenceMethod
{
    /// <summary>Name in result files, as the published tables spell it: "GATSBI", "NPE", "REJ-ABC", "SMC-ABC".</summary>
    string Name { get; }

    /// <summary>Named configuration, e.g. "fast", "paper" or "sbibm".</summary>
    string Preset { get; }
}

/// <summary>Trains once on prior simulations; the posterior serves any observation (GATSBI, NPE).</summary>
public interface IAmortizedMethod : IInferenceMethod
{
    TrainedPosterior Train(SimulationSet simulations, Support? support, ulong seed, IProgress<WorkProgress>? progress, CancellationToken cancellation);
}

/// <summary>Spends the whole simulation budget on one observation (ABC, sequential methods); runs again for the next.</summary>
public interface IObservationMethod : IInferenceMethod
{
    TrainedPosterior Infer(IPrior prior, ISimulator simulator, float[] observation, int simulations, ulong seed,
        IProgress<WorkProgress>? progress, CancellationToken cancellation);
}

/// <summary>
/// A per-observation method whose first stage does not depend on the observation, as round 0 of a sequential
/// method: the benchmark runs that stage once per group and starts every observation's run from it.
/// </summary>
public interface IStagedMethod : IObservationMethod
{
    IObservationStage Prepare(IPrior prior, ISimulator simulator, int simulations, ulong seed, IProgress<WorkProgress>? progress, CancellationToken cancellation);
}

/// <summary>The observation-independent first stage of an <see cref="IStagedMethod"/>.</summary>
public interface IObservationStage : IDisposable
{
    /// <summary>The rest of the run for one observation; the returned time includes the first stage's, what a run for this observation alone costs.</summary>
    TrainedPosterior Infer(float[] observation, ulong seed, IProgress<WorkProgress>? progress, CancellationToken cancellation);
}

/// <summary>
/// A posterior with the facts a results file records; disposing it frees the networks. For a per-observation
/// method <see cref="Elapsed"/> covers the whole run, and <see cref="SimulationSeconds"/> the part of it spent simulating.
/// </summary>
public sealed record TrainedPosterior(IPosterior Posterior, int Epochs, int Threads, TimeSpan Elapsed, TrainingCurves? Curves = null,
    double SimulationSeconds = 0) : IDisposable
{
    public void Dispose() => (Posterior as IDisposable)?.Dispose();
}

/// <summary>Amortised GATSBI with given options, through <see cref="GatsbiTrainer"/> exactly as a user calls it.</summary>
public sealed class GatsbiMethod(string preset, GatsbiOptions options) : IAmortizedMethod
{
    public string Name => "GATSBI";
    public string Preset { get; } = preset;
    public GatsbiOptions Options { get; } = options;

    public TrainedPosterior Train(SimulationSet simulations, Support? support, ulong seed, IProgress<WorkProgress>? progress, CancellationToken cancellation)
    {
        var epochs = progress is null ? null : new EpochProgress(progress);
        var result = new GatsbiTrainer(Options).Train(simulations, support, seed, epochs, cancellation);
        return new TrainedPosterior(result.Posterior, result.Epochs, result.Threads, result.Elapsed, TrainingCurves.Of(result.Log));
    }

    /// <summary>Epochs of all ensemble members, with the latest hold-out losses as the status.</summary>
    private sealed class EpochProgress(IProgress<WorkProgress> inner) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p) => inner.Report(new WorkProgress(p.Epoch, p.MaxEpochs, p.Latest is { } r
            ? FormattableString.Invariant($"D loss {r.DiscriminatorLoss:F3}  G loss {r.GeneratorLoss:F3}  D(real) {r.DRealMean:F3}  D(fake) {r.DFakeMean:F3}")
            : null));
    }
}

/// <summary>Amortised NPE (one round) with given options, through <see cref="NpeTrainer"/>.</summary>
public sealed class NpeMethod(string preset, NpeOptions options) : IAmortizedMethod
{
    public string Name => "NPE";
    public string Preset { get; } = preset;
    public NpeOptions Options { get; } = options;

    public TrainedPosterior Train(SimulationSet simulations, Support? support, ulong seed, IProgress<WorkProgress>? progress, CancellationToken cancellation)
    {
        var result = new NpeTrainer(Options).Train(simulations, support, seed, progress, cancellation);
        return new TrainedPosterior(result.Posterior, result.Epochs, result.Threads, result.Elapsed, TrainingCurves.Of(result.Log));
    }
}

/// <summary>Rejection ABC for one observation, as sbibm ran it (keep the 100 closest, CV-bandwidth KDE).</summary>
public sealed class RejectionAbcMethod(RejectionAbcOptions options) : IObservationMethod
{
    public string Name => "REJ-ABC";
    public string Preset => "sbibm";
    public RejectionAbcOptions Options { get; } = options;

    public TrainedPosterior Infer(IPrior prior, ISimulator simulator, float[] observation, int simulations, ulong seed,
        IProgress<WorkProgress>? progress, CancellationToken cancellation) =>
        Wrap(new RejectionAbc(Options).Run(prior, simulator, observation, simulations, seed, progress, cancellation));

    internal static TrainedPosterior Wrap(AbcResult result) =>
        new(result.Posterior, result.Populations, 1, result.Elapsed, TrainingCurves.Of(result));
}

/// <summary>SMC-ABC for one observation, as sbibm ran sbi's implementation (P = 100 or 1,000, ε by distance mass 0.2, kernel 0.5 × covariance).</summary>
public sealed class SmcAbcMethod(SmcAbcOptions options) : IObservationMethod
{
    public string Name => "SMC-ABC";
    public string Preset => "sbibm";
    public SmcAbcOptions Options { get; } = options;

    public TrainedPosterior Infer(IPrior prior, ISimulator simulator, float[] observation, int simulations, ulong seed,
        IProgress<WorkProgress>? progress, CancellationToken cancellation) =>
        RejectionAbcMethod.Wrap(new SmcAbc(Options).Run(prior, simulator, observation, simulations, seed, progress, cancellation));
}

/// <summary>
/// Sequential GATSBI with one correction, named as the GATSBI paper's tables: "GATSBI-inv" (inverse importance
/// weights), "GATSBI-imp" (importance weights), "GATSBI-EBM" (energy-based). Round 0 is shared by all observations,
/// and with a <see cref="SharedFirstRounds"/> also by the methods that differ only in their later rounds.
/// </summary>
public sealed class SequentialGatsbiMethod(string preset, SequentialOptions options, SharedFirstRounds? shared = null) : IStagedMethod
{
    public string Name => NameOf(Options.Correction);
    public string Preset { get; } = preset;
    public SequentialOptions Options { get; } = options;

    public static string NameOf(SequentialCorrection correction) => correction switch
    {
        SequentialCorrection.InverseImportanceWeights => "GATSBI-inv",
        SequentialCorrection.ImportanceWeights => "GATSBI-imp",
        SequentialCorrection.EnergyBased => "GATSBI-EBM",
        _ => throw new ArgumentOutOfRangeException(nameof(correction), correction, null),
    };

    public IObservationStage Prepare(IPrior prior, ISimulator simulator, int simulations, ulong seed, IProgress<WorkProgress>? progress, CancellationToken cancellation)
    {
        var sequential = new SequentialGatsbi(Options);
        return shared is null
            ? new Stage(sequential, sequential.FirstRound(prior, simulator, simulations, seed, progress, cancellation), ownsStart: true)
            : new Stage(sequential, shared.GetOrTrain(sequential, prior, simulator, simulations, seed, progress, cancellation), ownsStart: false);
    }

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

    public SequentialStart GetOrTrain(SequentialGatsbi sequential, IPrior prior, ISimulator simulator, int simulations, ulong seed,
        IProgress<WorkProgress>? progress, CancellationToken cancellation)
    {
        var o = sequential.Options;
        var key = new Key(prior, simulator, simulations, seed, o.Gatsbi, o.Rounds, o.FirstRoundFraction, o.BatchSizeFromTotal);
        if (!_starts.TryGetValue(key, out var start))
            _starts[key] = start = sequential.FirstRound(prior, simulator, simulations, seed, progress, cancellation);
        return start;
    }

    public void Dispose()
    {
        foreach (var start in _starts.Values) start.Dispose();
        _starts.Clear();
    }
}
