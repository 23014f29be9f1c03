using Gatsbi.Distributions;
using Gatsbi.Posteriors;
using Gatsbi.Simulation;

namespace Gatsbi.Inference;

/// <summary>
/// One shape for every inference method, so that a benchmark, a command line or a user's own comparison runs
/// GATSBI, NPE, ABC and sequential GATSBI alike. A method is amortised (<see cref="IAmortizedMethod"/>: trains
/// once, serves any observation) or per observation (<see cref="IObservationMethod"/>), possibly with an
/// observation-independent first stage (<see cref="IStagedMethod"/>). Every one returns a
/// <see cref="TrainedPosterior"/> whose posterior answers <see cref="IPosterior.Sample"/>.
/// </summary>
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
    /// <summary>Trains on <paramref name="simulations"/> (prior draws and their simulations) and returns the amortised posterior.</summary>
    /// <param name="simulations">The training pairs (θ, x).</param>
    /// <param name="prior">The prior the simulations' θ were drawn from; the posterior keeps its samples inside the prior's support.</param>
    /// <param name="seed">Root seed of training and of any internal randomness.</param>
    /// <param name="progress">Receives training progress; may be null.</param>
    /// <param name="cancellation">Stops training early; the runner then discards the result.</param>
    TrainedPosterior Train(SimulationSet simulations, IPrior prior, ulong seed, IProgress<WorkProgress>? progress, CancellationToken cancellation);
}

/// <summary>Spends the whole simulation budget on one observation (ABC, sequential methods); runs again for the next.</summary>
public interface IObservationMethod : IInferenceMethod
{
    /// <summary>Spends <paramref name="simulations"/> simulations on inferring θ for <paramref name="observation"/>.</summary>
    /// <param name="prior">The task's prior.</param>
    /// <param name="simulator">The task's simulator.</param>
    /// <param name="observation">The observed x_o.</param>
    /// <param name="simulations">The simulation budget of the whole run.</param>
    /// <param name="seed">Root seed of the run.</param>
    /// <param name="progress">Receives progress; may be null.</param>
    /// <param name="cancellation">Stops the run early; the runner then discards the result.</param>
    TrainedPosterior Infer(IPrior prior, ISimulator simulator, float[] observation, int simulations, ulong seed,
        IProgress<WorkProgress>? progress, CancellationToken cancellation);
}

/// <summary>
/// A per-observation method whose first stage does not depend on the observation, as round 0 of a sequential
/// method: the benchmark runs that stage once per group and starts every observation's run from it.
/// </summary>
public interface IStagedMethod : IObservationMethod
{
    /// <summary>Runs the observation-independent first stage with the group's budget and seed; dispose the stage when done with it.</summary>
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
/// <param name="Posterior">The trained posterior, sampled for scoring.</param>
/// <param name="Epochs">Epochs trained (for ABC, populations).</param>
/// <param name="Threads">Threads the training used.</param>
/// <param name="Elapsed">Wall-clock time of training, or of the whole run for a per-observation method.</param>
/// <param name="Curves">The method's training curves for plots; null when it has none.</param>
/// <param name="SimulationSeconds">Seconds spent simulating; for amortised methods the runner sets it after training.</param>
public sealed record TrainedPosterior(IPosterior Posterior, int Epochs, int Threads, TimeSpan Elapsed, TrainingCurves? Curves = null,
    double SimulationSeconds = 0) : IDisposable
{
    /// <summary>Disposes <see cref="Posterior"/> when it is disposable (its networks); otherwise does nothing.</summary>
    public void Dispose() => (Posterior as IDisposable)?.Dispose();
}


/// <summary>Reports a trainer's epochs as general work units, for callers that show all work on one kind of bar.</summary>
internal sealed class TrainingAsWork(IProgress<WorkProgress> inner) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => inner.Report(value.AsWork());

    /// <summary>The adapter, or null when there is no progress to report to.</summary>
    public static IProgress<TrainingProgress>? Of(IProgress<WorkProgress>? inner) => inner is null ? null : new TrainingAsWork(inner);
}
