using System.Text.Json;
using Gatsbi.Benchmarks.Running;
using Gatsbi.Inference.Reference;
using Gatsbi.Randomness;
using Gatsbi.Storage;

namespace Gatsbi.Benchmarks.References;

/// <summary>
/// Makes a benchmark task's reference posterior samples from its likelihood (<see cref="IUnnormalisedLikelihood"/>),
/// prior density and true parameters with <see cref="ReferenceSampler"/>, and writes them in sbibm's folder layout,
/// <c>&lt;root&gt;/&lt;task&gt;/num_observation_&lt;k&gt;/</c>: <c>reference_posterior_samples.csv.gz</c>,
/// <c>observation.csv</c>, <c>true_parameters.csv</c> and <c>reference_provenance.json</c>, which says how the
/// samples were made. The provenance file is written last, so an observation is finished exactly when it exists:
/// a stopped run resumes by skipping the observations that have one.
/// </summary>
public sealed class TaskReferenceGenerator(ReferenceSamplerOptions options)
{
    /// <summary>Name of the file that records how an observation's references were made.</summary>
    public const string ProvenanceFileName = "reference_provenance.json";

    /// <summary>The sampler's settings.</summary>
    public ReferenceSamplerOptions Options { get; } = options;

    /// <summary>The folder of observation <paramref name="number"/> of <paramref name="task"/> under <paramref name="root"/>.</summary>
    public static string ObservationFolder(string root, BenchmarkTask task, int number) =>
        Path.Combine(root, task.Name, $"num_observation_{number}");

    /// <summary>True when the folder already holds finished references for the observation (its provenance file exists).</summary>
    public static bool IsFinished(string root, BenchmarkTask task, int number) =>
        File.Exists(Path.Combine(ObservationFolder(root, task, number), ProvenanceFileName));

    /// <summary>
    /// Samples the exact posterior of observation <paramref name="number"/>, starting the MCMC at the true parameters
    /// as sbibm did; the observation's seed is derived from <paramref name="seed"/> and the number.
    /// </summary>
    /// <exception cref="ArgumentException">The task has no known likelihood, or its prior has no density.</exception>
    public ReferenceSamplerResult Generate(BenchmarkTask task, int number, ulong seed,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellation = default)
    {
        var likelihood = task as IUnnormalisedLikelihood
            ?? throw new ArgumentException($"Task {task.Name} has no known likelihood, so its exact posterior cannot be sampled; the tasks that have one: {string.Join(", ", TaskRegistry.Names.Where(n => TaskRegistry.Get(n) is IUnnormalisedLikelihood))}.");
        var x = task.Observation(number);
        return new ReferenceSampler(Options).Sample(task.Prior, theta => likelihood.LogLikelihoodUpToData(theta, x), task.TrueParameters(number),
            ObservationSeed(seed, number), progress, cancellation);
    }

    /// <summary>The seed of observation <paramref name="number"/>'s run.</summary>
    public static ulong ObservationSeed(ulong seed, int number) => Seeds.Derive(seed, Seeds.Streams.Observation, (ulong)number);

    /// <summary>
    /// Writes the samples, the observation, the true parameters and then the provenance of <paramref name="result"/>
    /// into the observation's folder, each file atomically.
    /// </summary>
    /// <param name="root">The layout's root folder.</param>
    /// <param name="task">The task.</param>
    /// <param name="number">The observation number.</param>
    /// <param name="result">What <see cref="Generate"/> returned.</param>
    /// <param name="seed">The root seed given to <see cref="Generate"/>.</param>
    /// <param name="command">The command line that made the samples, for the provenance; may be null.</param>
    /// <returns>The provenance record written.</returns>
    public ReferenceProvenance Write(string root, BenchmarkTask task, int number, ReferenceSamplerResult result, ulong seed, string? command)
    {
        var folder = ObservationFolder(root, task, number);
        Directory.CreateDirectory(folder);
        CsvMatrix.Write(Path.Combine(folder, BenchmarkTask.ReferenceFileName + ".gz"), new NamedMatrix(task.ParameterNames, result.Samples));
        CsvMatrix.Write(Path.Combine(folder, "observation.csv"), new NamedMatrix(task.DataNames, Matrices.Repeat(task.Observation(number), 1)));
        CsvMatrix.Write(Path.Combine(folder, "true_parameters.csv"), new NamedMatrix(task.ParameterNames, Matrices.Repeat(task.TrueParameters(number), 1)));
        var provenance = ReferenceProvenance.Of(task.Name, number, seed, command, Options, result);
        AtomicFile.Write(Path.Combine(folder, ProvenanceFileName), stream => JsonSerializer.Serialize(stream, provenance, ReferenceProvenance.JsonOptions));
        return provenance;
    }
}

/// <summary>How one observation's reference samples were made: the command, the seeds, the settings and what each stage did.</summary>
/// <param name="Task">The task's name.</param>
/// <param name="Observation">The observation number.</param>
/// <param name="Seed">The root seed; the observation's own seed is derived from it and the number.</param>
/// <param name="Command">The command line, or null when the samples were made through the library.</param>
/// <param name="Version">The Gatsbi.NET version.</param>
/// <param name="Samples">Samples written.</param>
/// <param name="McmcChains">Slice-sampling chains: the first started at the true parameters, the others at prior draws resampled by likelihood.</param>
/// <param name="StartDraws">Prior draws the chains' starts were resampled from.</param>
/// <param name="ChainsKept">Chains whose draws the flow was fitted to (the others were stuck where the posterior has negligible mass).</param>
/// <param name="McmcWarmupSweeps">Warm-up sweeps per chain.</param>
/// <param name="McmcThin">Sweeps per kept draw.</param>
/// <param name="McmcSamples">MCMC draws the flow was fitted to.</param>
/// <param name="McmcEvaluationsPerSample">Likelihood evaluations per kept MCMC draw.</param>
/// <param name="FlowEpochs">Epochs the proposal flow trained.</param>
/// <param name="FlowBestEpoch">The epoch whose weights the proposal used.</param>
/// <param name="PriorWeight">The prior's weight in the proposal.</param>
/// <param name="StudentTWeight">The weight in the proposal of the Student-t at the MCMC draws' moments.</param>
/// <param name="BoundFactor">The factor on the largest density ratio found.</param>
/// <param name="LogBound">log M of the final rejection pass.</param>
/// <param name="Restarts">Rejection passes restarted because a ratio exceeded the bound.</param>
/// <param name="Proposed">Proposals of the final pass.</param>
/// <param name="AcceptanceRate">Accepted share of those proposals.</param>
/// <param name="LikelihoodEvaluations">Likelihood evaluations of all stages.</param>
/// <param name="McmcSeconds">Wall-clock seconds of the MCMC stage.</param>
/// <param name="FlowSeconds">Wall-clock seconds of fitting the flow.</param>
/// <param name="SearchSeconds">Wall-clock seconds of the search for the bound.</param>
/// <param name="RejectionSeconds">Wall-clock seconds of rejection sampling.</param>
public sealed record ReferenceProvenance(
    string Task, int Observation, ulong Seed, string? Command, string Version, int Samples,
    int McmcChains, int StartDraws, int ChainsKept, int McmcWarmupSweeps, int McmcThin, int McmcSamples, double McmcEvaluationsPerSample,
    int FlowEpochs, int FlowBestEpoch, double PriorWeight, double StudentTWeight, double BoundFactor, double LogBound, int Restarts,
    long Proposed, double AcceptanceRate, long LikelihoodEvaluations,
    double McmcSeconds, double FlowSeconds, double SearchSeconds, double RejectionSeconds)
{
    /// <summary>Indented JSON with camelCase names.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Total wall-clock seconds of the run.</summary>
    public double TotalSeconds => McmcSeconds + FlowSeconds + SearchSeconds + RejectionSeconds;

    /// <summary>The record of one run.</summary>
    public static ReferenceProvenance Of(string task, int observation, ulong seed, string? command, ReferenceSamplerOptions options, ReferenceSamplerResult result) =>
        new(task, observation, seed, command, BenchmarkRunner.Version, result.Samples.GetLength(0),
            options.Mcmc.Chains, options.StartDraws, result.ChainsKept, options.Mcmc.WarmupSweeps, options.Mcmc.Thin, options.McmcSamples, result.Mcmc.EvaluationsPerSample,
            result.Flow.Epochs, result.Flow.BestEpoch, options.PriorWeight, options.StudentTWeight, options.BoundFactor, result.LogBound, result.Restarts,
            result.Proposed, result.AcceptanceRate, result.LikelihoodEvaluations,
            result.Mcmc.Elapsed.TotalSeconds, result.Flow.Elapsed.TotalSeconds, result.SearchElapsed.TotalSeconds, result.RejectionElapsed.TotalSeconds);

    /// <summary>Reads a provenance file.</summary>
    /// <exception cref="InvalidDataException">The file is not a provenance record.</exception>
    public static ReferenceProvenance Read(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return JsonSerializer.Deserialize<ReferenceProvenance>(stream, JsonOptions)
                   ?? throw new InvalidDataException($"{path}: empty reference provenance file.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a reference provenance file ({e.Message}).", e);
        }
    }
}
