using System.Diagnostics;
using System.Reflection;
using Gatsbi.Inference;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Metrics;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Benchmarks.Running;

/// <summary>What to run: every combination of tasks, methods, simulation budgets, seeds and observations.</summary>
/// <param name="Tasks">sbibm task names (see <see cref="TaskRegistry.Names"/>).</param>
/// <param name="Methods">The methods to run, each with its preset.</param>
/// <param name="Budgets">Simulation budgets.</param>
/// <param name="Observations">Observation numbers to score, from 1..10.</param>
/// <param name="Seeds">Root seeds; each gives an independent training run per task, method and budget.</param>
/// <param name="ReferenceFolder">A folder with sbibm's layout searched for reference samples first (<see cref="BenchmarkTask.ReferenceFolder"/>); null for the bundled ones only.</param>
public sealed record BenchmarkPlan(
    IReadOnlyList<string> Tasks,
    IReadOnlyList<IInferenceMethod> Methods,
    IReadOnlyList<int> Budgets,
    IReadOnlyList<int> Observations,
    IReadOnlyList<ulong> Seeds,
    string? ReferenceFolder = null)
{
    /// <summary>sbibm's grid for amortised methods: budgets 1k, 10k, 100k and observations 1..10.</summary>
    public static readonly int[] DefaultBudgets = [1_000, 10_000, 100_000];

    /// <summary>Observations 1..10.</summary>
    public static readonly int[] AllObservations = [.. Enumerable.Range(1, BenchmarkTask.ObservationCount)];

    /// <summary>Cells in the plan: tasks × methods × budgets × seeds × observations, one result row each.</summary>
    public int CellCount => Tasks.Count * Methods.Count * Budgets.Count * Seeds.Count * Observations.Count;
}

/// <summary>One training run of the benchmark: a method on a task at a budget and seed, scored on several observations.</summary>
/// <param name="Task">The task.</param>
/// <param name="Method">The method with its preset.</param>
/// <param name="Simulations">Simulation budget.</param>
/// <param name="Seed">Root seed of the run.</param>
public sealed record BenchmarkGroup(BenchmarkTask Task, IInferenceMethod Method, int Simulations, ulong Seed);

/// <summary>Hooks for reporting and artefacts (plots, progress bars); every member is optional.</summary>
public interface IBenchmarkObserver
{
    /// <summary>A group is about to run for <paramref name="observations"/>, those not yet in the results file and with a reference.</summary>
    void GroupStarting(BenchmarkGroup group, IReadOnlyList<int> observations) { }

    /// <summary>Progress of the training simulations of an amortised method; null for none.</summary>
    IProgress<WorkProgress>? SimulationProgress(BenchmarkGroup group) => null;

    /// <summary>Progress of training (amortised methods; <paramref name="observation"/> null) or of one observation's run.</summary>
    IProgress<WorkProgress>? MethodProgress(BenchmarkGroup group, int? observation) => null;

    /// <summary>
    /// Training finished (<paramref name="observation"/> null for an amortised method); <paramref name="trained"/> is disposed
    /// by the runner after scoring, so keep nothing of it beyond this call.
    /// </summary>
    void Trained(BenchmarkGroup group, int? observation, TrainedPosterior trained) { }

    /// <summary>A cell was scored and its row appended; <paramref name="samples"/> and <paramref name="reference"/> (samples × parameters) are what was compared.</summary>
    void Scored(BenchmarkGroup group, ResultRow row, float[,] samples, float[,] reference) { }

    /// <summary>A cell failed; its row, with the error as status, is already in the results file.</summary>
    void Failed(CellKey cell, Exception error) { }
}

/// <summary>
/// Runs a <see cref="BenchmarkPlan"/> with the library calls a user makes (<see cref="SimulationRunner"/>,
/// the method's trainer, <c>IPosterior.Sample</c>, <see cref="C2st"/>, <see cref="Mmd"/>) and appends one
/// row per cell to a <see cref="ResultsFile"/> as soon as it is scored. Cells the file already holds
/// successfully are skipped, so a stopped run resumes where it stopped; a cell that fails is recorded
/// with its error and the run goes on.
/// </summary>
public sealed class BenchmarkRunner
{
    /// <summary>Posterior samples per cell, as sbibm: the first 10,000.</summary>
    public int PosteriorSamples { get; init; } = BenchmarkTask.ReferenceSampleCount;

    /// <summary>Options of the C2ST score; the defaults follow sbibm's classifier and 5-fold cross-validation.</summary>
    public C2stOptions C2stOptions { get; init; } = new();

    /// <summary>This assembly's informational version, with the commit shortened to 12 characters, as written to every row.</summary>
    public static string Version { get; } = ReadVersion();

    /// <summary>
    /// Runs every cell of <paramref name="plan"/> not yet in <paramref name="results"/> successfully, appending one row per cell.
    /// Failures are recorded and the run goes on; only cancellation and invalid plans end it early.
    /// </summary>
    /// <param name="plan">The cells to run.</param>
    /// <param name="results">The results file: read first to skip finished cells, then appended to.</param>
    /// <param name="observer">Receives progress and artefacts; null for none.</param>
    /// <param name="cancellation">Stops the run between steps; a model cut short by it is never scored.</param>
    /// <exception cref="ArgumentException">The plan names an unknown task, or a method that is neither amortised nor per observation.</exception>
    /// <exception cref="InvalidDataException"><paramref name="results"/> exists but is not a results file.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was signalled.</exception>
    public void Run(BenchmarkPlan plan, ResultsFile results, IBenchmarkObserver? observer = null, CancellationToken cancellation = default)
    {
        observer ??= new SilentObserver();
        var done = results.Read().Where(r => r.Succeeded).Select(r => r.Key).ToHashSet();
        foreach (var taskName in plan.Tasks)
        {
            var task = TaskRegistry.Get(taskName, plan.ReferenceFolder);
            foreach (var method in plan.Methods)
                foreach (int budget in plan.Budgets)
                    foreach (ulong seed in plan.Seeds)
                    {
                        var group = new BenchmarkGroup(task, method, budget, seed);
                        var pending = plan.Observations.Where(k => !done.Contains(Key(group, k))).ToList();
                        if (pending.Count > 0) RunGroup(group, pending, results, observer, cancellation);
                    }
        }
    }

    private void RunGroup(BenchmarkGroup group, List<int> observations, ResultsFile results, IBenchmarkObserver observer, CancellationToken cancellation)
    {
        var task = group.Task;
        observer.GroupStarting(group, observations);

        switch (group.Method)
        {
            case IAmortizedMethod amortized:
                RunAmortized(group, amortized, observations, results, observer, cancellation);
                break;
            case IStagedMethod staged:
                RunStaged(group, staged, observations, results, observer, cancellation);
                break;
            case IObservationMethod perObservation:
                foreach (int k in observations)
                    RunForObservation(group, k, (seed, progress) => perObservation.Infer(task.Prior, task.Simulator, task.Observation(k), group.Simulations, seed,
                        progress, cancellation), results, observer, cancellation);
                break;
            default:
                throw new ArgumentException($"Method {group.Method.Name} is neither amortised nor per observation.");
        }
    }

    /// <summary>One simulation set and one training run, scored on every observation.</summary>
    private void RunAmortized(BenchmarkGroup group, IAmortizedMethod method, List<int> observations, ResultsFile results,
        IBenchmarkObserver observer, CancellationToken cancellation)
    {
        var task = group.Task;
        TrainedPosterior trained;
        try
        {
            var clock = Stopwatch.StartNew();
            var simulations = new SimulationRunner().Run(task.Prior, task.Simulator, group.Simulations, group.Seed, observer.SimulationProgress(group));
            double simulationSeconds = clock.Elapsed.TotalSeconds;
            cancellation.ThrowIfCancellationRequested();
            trained = method.Train(simulations, task.Prior, group.Seed, observer.MethodProgress(group, null), cancellation);
            // A trainer stopped by cancellation returns what it has; a half-trained model must not be scored.
            if (cancellation.IsCancellationRequested) { trained.Dispose(); cancellation.ThrowIfCancellationRequested(); }
            trained = trained with { SimulationSeconds = simulationSeconds };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            foreach (int k in observations) Fail(results, observer, Key(group, k), e);
            return;
        }

        using (trained)
        {
            observer.Trained(group, null, trained);
            foreach (int k in observations) Score(group, k, trained, results, observer, cancellation);
        }
    }

    /// <summary>
    /// The observation-independent first stage once, with the group's seed, then the rest of the run for each
    /// observation. If the first stage fails, every observation records its error.
    /// </summary>
    private void RunStaged(BenchmarkGroup group, IStagedMethod method, List<int> observations, ResultsFile results,
        IBenchmarkObserver observer, CancellationToken cancellation)
    {
        var task = group.Task;
        IObservationStage stage;
        try
        {
            stage = method.Prepare(task.Prior, task.Simulator, group.Simulations, group.Seed, observer.MethodProgress(group, null), cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            foreach (int k in observations) Fail(results, observer, Key(group, k), e);
            return;
        }
        using (stage)
        {
            foreach (int k in observations)
                RunForObservation(group, k, (seed, progress) => stage.Infer(task.Observation(k), seed, progress, cancellation), results, observer, cancellation);
        }
    }

    /// <summary>
    /// A run of its own for one observation, with a seed derived from the group's seed and the observation
    /// number, as sbibm runs every (task, method, budget, observation) separately.
    /// </summary>
    private void RunForObservation(BenchmarkGroup group, int observation, Func<ulong, IProgress<WorkProgress>?, TrainedPosterior> infer,
        ResultsFile results, IBenchmarkObserver observer, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        TrainedPosterior trained;
        try
        {
            ulong seed = Seeds.Derive(group.Seed, Seeds.Streams.Observation, (ulong)observation);
            trained = infer(seed, observer.MethodProgress(group, observation));
            if (cancellation.IsCancellationRequested) { trained.Dispose(); cancellation.ThrowIfCancellationRequested(); }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Fail(results, observer, Key(group, observation), e);
            return;
        }

        using (trained)
        {
            observer.Trained(group, observation, trained);
            Score(group, observation, trained, results, observer, cancellation);
        }
    }

    private void Score(BenchmarkGroup group, int observation, TrainedPosterior trained, ResultsFile results, IBenchmarkObserver observer,
        CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var task = group.Task;
        var key = Key(group, observation);
        try
        {
            var reference = task.ReferencePosterior(observation);
            var clock = Stopwatch.StartNew();
            var samples = trained.Posterior.Sample(task.Observation(observation), PosteriorSamples, Seeds.Derive(group.Seed, Seeds.Streams.Sampling, (ulong)observation));
            double samplingSeconds = clock.Elapsed.TotalSeconds;
            if (samples.Count < 2)
                throw new InvalidOperationException($"only {samples.Count} of {samples.Requested} posterior samples fell inside the prior support");
            // Equal sizes, as sbibm compares them: unequal classes would move C2ST's chance level off 0.5.
            int n = Math.Min(reference.GetLength(0), samples.Count);
            var (x, y) = (reference.SliceRows(0, n), samples.Samples.SliceRows(0, n));
            double c2st = C2st.Compute(x, y, C2stOptions, cancellation: cancellation).Accuracy;
            double mmd = Mmd.Compute(x, y, cancellation: cancellation).SquaredMmd;
            var row = new ResultRow(key, c2st, mmd, trained.SimulationSeconds, trained.Elapsed.TotalSeconds, samplingSeconds,
                trained.Epochs, trained.Threads, Version, ResultRow.Ok);
            results.Append(row);
            observer.Scored(group, row, samples.Samples, reference);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Fail(results, observer, key, e);
        }
    }

    private static void Fail(ResultsFile results, IBenchmarkObserver observer, CellKey key, Exception error)
    {
        results.Append(new ResultRow(key, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0, 0, Version, $"error: {error.Message}"));
        observer.Failed(key, error);
    }

    private static CellKey Key(BenchmarkGroup group, int observation) =>
        new(group.Task.Name, group.Method.Name, group.Method.Preset, group.Simulations, observation, group.Seed);

    private static string ReadVersion()
    {
        var version = typeof(BenchmarkRunner).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        // "1.0.0+<40-digit commit>": the short commit is enough to find the code again.
        int plus = version.IndexOf('+');
        return plus >= 0 && version.Length > plus + 13 ? version[..(plus + 13)] : version;
    }

    private sealed class SilentObserver : IBenchmarkObserver;
}
