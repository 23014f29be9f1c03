using Gatsbi.Distributions;
using Gatsbi.Randomness;
using Gatsbi.Simulation;
using Gatsbi.Storage;

namespace Gatsbi.Benchmarks;

/// <summary>
/// A benchmark problem with known answers: a prior, a simulator, and for each of its ten observations the
/// true parameters and reference posterior samples (sbibm's data, embedded in this assembly).
/// Reference samples not bundled here can come from a folder laid out like sbibm's
/// (<see cref="ReferenceFolder"/>); tasks with a closed-form posterior draw their own when neither has them.
/// </summary>
public abstract class BenchmarkTask
{
    /// <summary>Observations per task, numbered 1..10 as in sbibm.</summary>
    public const int ObservationCount = 10;

    /// <summary>sbibm's file name for reference samples in each <c>num_observation_&lt;k&gt;</c> folder (optionally with .gz).</summary>
    public const string ReferenceFileName = "reference_posterior_samples.csv";

    /// <summary>The task's sbibm name, e.g. "two_moons"; it names the data folders and the rows of result files.</summary>
    public abstract string Name { get; }

    /// <summary>One line on the prior, for listings.</summary>
    public abstract string PriorDescription { get; }

    /// <summary>The prior over θ, as sbibm defines it for this task.</summary>
    public abstract IPrior Prior { get; }

    /// <summary>The simulator x ~ p(x | θ); statistically, not bitwise, equal to sbibm's (the random streams differ).</summary>
    public abstract ISimulator Simulator { get; }

    /// <summary>Column names of θ, one per parameter: <c>parameter_1</c>, … as in sbibm, or plain names such as "beta" where sbibm uses LaTeX labels.</summary>
    public abstract string[] ParameterNames { get; }

    /// <summary>Number of parameters, the length of θ.</summary>
    public int ParameterDimension => Simulator.ParameterDimension;

    /// <summary>Number of data values, the length of x.</summary>
    public int DataDimension => Simulator.DataDimension;

    /// <summary>Column names of x: <c>data_1</c>, <c>data_2</c>, … as in sbibm's <c>observation.csv</c>.</summary>
    public virtual string[] DataNames => CsvMatrix.DefaultNames("data", DataDimension);

    /// <summary>The simulation budgets sbibm benchmarks this task at.</summary>
    public virtual IReadOnlyList<int> SimulationBudgets { get; } = [100, 1_000, 10_000, 100_000, 1_000_000];

    /// <summary>
    /// A folder with sbibm's layout (<c>&lt;task&gt;/num_observation_&lt;k&gt;/reference_posterior_samples.csv[.gz]</c>)
    /// searched for reference samples before the embedded data; null to use only what is bundled.
    /// </summary>
    public string? ReferenceFolder { get; init; }

    /// <summary>
    /// A discrepancy statistic of x at fixed θ, for <see cref="PlausibilityCheck"/>: the log-likelihood of x
    /// (up to terms that do not depend on x) where it is tractable. Work that depends only on θ (an ODE solve)
    /// is done once, here.
    /// </summary>
    public abstract DataStatistic PlausibilityStatistic(float[] theta);

    /// <summary>The task whose embedded reference samples this one shares (its posterior is the same).</summary>
    protected virtual string ReferenceTaskName => Name;

    /// <summary>Observation x_o number <paramref name="number"/> (1..10).</summary>
    /// <returns>A new array of <see cref="DataDimension"/> values, read from sbibm's stored <c>observation.csv</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="number"/> is outside 1..10.</exception>
    public float[] Observation(int number) => ReadRow(number, "observation.csv", DataDimension);

    /// <summary>The parameters θ_true that observation <paramref name="number"/> (1..10) was simulated from.</summary>
    /// <returns>A new array of <see cref="ParameterDimension"/> values, read from sbibm's stored <c>true_parameters.csv</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="number"/> is outside 1..10.</exception>
    public float[] TrueParameters(int number) => ReadRow(number, "true_parameters.csv", ParameterDimension);

    /// <summary>Where the reference samples for observation <paramref name="number"/> come from, or null when there are none.</summary>
    /// <remarks>
    /// The order is: a file in <see cref="ReferenceFolder"/> (plain, .gz or .bz2, under this task's name or that of the
    /// task it shares references with), the bundled sbibm file, then the closed form (<see cref="IClosedFormPosterior"/>).
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="number"/> is outside 1..10.</exception>
    /// <exception cref="DirectoryNotFoundException"><see cref="ReferenceFolder"/> is set but does not exist.</exception>
    public ReferenceSource? FindReference(int number)
    {
        EmbeddedData.CheckObservationNumber(number);
        if (ReferenceFolder is not null)
        {
            if (!Directory.Exists(ReferenceFolder))
                throw new DirectoryNotFoundException($"Reference folder not found: {ReferenceFolder}");
            foreach (var task in new[] { Name, ReferenceTaskName }.Distinct())
                foreach (var extension in new[] { "", ".gz", ".bz2" })
                {
                    var path = Path.Combine(ReferenceFolder, task, $"num_observation_{number}", ReferenceFileName + extension);
                    if (File.Exists(path)) return new ReferenceSource(ReferenceOrigin.Folder, path);
                }
        }
        if (EmbeddedData.Exists(ReferenceTaskName, number, ReferenceFileName + ".gz"))
            return EmbeddedData.Exists(ReferenceTaskName, number, References.TaskReferenceGenerator.ProvenanceFileName)
                ? new ReferenceSource(ReferenceOrigin.Generated, $"made by Gatsbi from the exact likelihood of {ReferenceTaskName} (gatsbi references) and bundled; see its {References.TaskReferenceGenerator.ProvenanceFileName}")
                : new ReferenceSource(ReferenceOrigin.Embedded, $"sbibm data bundled with Gatsbi ({ReferenceTaskName})");
        if (this is IClosedFormPosterior)
            return new ReferenceSource(ReferenceOrigin.ClosedForm, $"drawn from the closed-form posterior of {Name}");
        return null;
    }

    /// <summary>True when <see cref="ReferencePosterior"/> can serve observation <paramref name="number"/>, i.e. <see cref="FindReference"/> finds a source.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="number"/> is outside 1..10.</exception>
    /// <exception cref="DirectoryNotFoundException"><see cref="ReferenceFolder"/> is set but does not exist.</exception>
    public bool HasReferencePosterior(int number) => FindReference(number) is not null;

    /// <summary>The reference posterior samples for observation <paramref name="number"/> (10,000 rows).</summary>
    /// <returns>
    /// Samples × <see cref="ParameterDimension"/>: the first <see cref="ReferenceSampleCount"/> rows of the file (all of them if
    /// it has fewer), or 10,000 closed-form draws from a fixed seed, the same on every call.
    /// </returns>
    /// <exception cref="MissingReferenceException">No bundled file, no file in <see cref="ReferenceFolder"/>, and no closed form.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is malformed, has the wrong number of columns or no rows, or is bzip2-compressed (not read; recompress it with gzip).
    /// </exception>
    public float[,] ReferencePosterior(int number)
    {
        var source = FindReference(number) ?? throw new MissingReferenceException(this, number);
        NamedMatrix table = source.Origin switch
        {
            ReferenceOrigin.Folder => CsvMatrix.Read(source.Description),
            ReferenceOrigin.Embedded or ReferenceOrigin.Generated => EmbeddedData.ReadCsv(ReferenceTaskName, number, ReferenceFileName + ".gz"),
            _ => new NamedMatrix(ParameterNames, ((IClosedFormPosterior)this).SamplePosterior(
                Observation(number), ReferenceSampleCount, new Rng(Seeds.Derive(ClosedFormReferenceSeed, Seeds.Streams.Sampling, (ulong)number)))),
        };
        if (table.Columns != ParameterDimension)
            throw new InvalidDataException($"{source.Description}: reference posterior of {Name} observation {number} has {table.Columns} columns; expected {ParameterDimension}.");
        if (table.Rows < 1)
            throw new InvalidDataException($"{source.Description}: reference posterior of {Name} observation {number} has no rows.");
        return table.Rows > ReferenceSampleCount ? table.Values.SliceRows(0, ReferenceSampleCount) : table.Values;
    }

    /// <summary>
    /// True when every value of <paramref name="x"/> is NaN: the row an ODE task's simulator returns for a failed
    /// solve, which its likelihood treats as that θ's only outcome.
    /// </summary>
    protected static bool IsFailedSimulationRow(ReadOnlySpan<float> x)
    {
        foreach (float v in x) if (!float.IsNaN(v)) return false;
        return true;
    }

    /// <summary>sbibm compares against the first 10,000 reference samples.</summary>
    public const int ReferenceSampleCount = 10_000;

    /// <summary>Fixed root seed of closed-form references, so that every run compares against the same samples.</summary>
    private const ulong ClosedFormReferenceSeed = 20210101;

    private float[] ReadRow(int number, string file, int expectedColumns)
    {
        var table = EmbeddedData.ReadCsv(Name, number, file);
        if (table.Rows != 1 || table.Columns != expectedColumns)
            throw new InvalidDataException($"{Name} {file} for observation {number} is {table.Rows}×{table.Columns}; expected 1×{expectedColumns}.");
        return table.Values.Row(0).ToArray();
    }
}

/// <summary>Where reference samples come from.</summary>
public enum ReferenceOrigin
{
    /// <summary>sbibm's file, bundled with this assembly.</summary>
    Embedded,
    /// <summary>A file in the user's reference folder; <see cref="ReferenceSource.Description"/> is its path.</summary>
    Folder,
    /// <summary>Drawn from the task's closed-form posterior with a fixed seed.</summary>
    ClosedForm,
    /// <summary>
    /// Made by Gatsbi's reference generator (<see cref="References.TaskReferenceGenerator"/>) from the task's exact
    /// likelihood, for tasks sbibm's bundled files lack, and bundled with this assembly beside its provenance file.
    /// </summary>
    Generated,
}

/// <summary>Where the reference samples of one observation come from, as <see cref="BenchmarkTask.FindReference"/> reports it.</summary>
/// <param name="Origin">The kind of source.</param>
/// <param name="Description">
/// For <see cref="ReferenceOrigin.Folder"/> the file's path; otherwise a sentence for messages and reports.
/// </param>
public sealed record ReferenceSource(ReferenceOrigin Origin, string Description);

/// <summary>A task whose posterior can be sampled exactly (sbibm's analytic tasks).</summary>
public interface IClosedFormPosterior
{
    /// <summary>Draws <paramref name="count"/> exact, independent samples from p(θ | <paramref name="observation"/>).</summary>
    /// <param name="observation">The data x, <see cref="BenchmarkTask.DataDimension"/> values.</param>
    /// <param name="count">Number of samples (rows) to return.</param>
    /// <param name="rng">Random stream; the same state gives the same samples.</param>
    /// <returns>Samples × parameters.</returns>
    float[,] SamplePosterior(ReadOnlySpan<float> observation, int count, Rng rng);
}

/// <summary>Thrown when a task has no reference posterior samples for an observation.</summary>
public sealed class MissingReferenceException(BenchmarkTask task, int number) : FileNotFoundException(
    $"{task.Name} has no reference posterior samples for observation {number}: none are bundled with Gatsbi" +
    (task.ReferenceFolder is null
        ? " and no reference folder was given"
        : $" and none were found in {task.ReferenceFolder}") +
    $". Provide a folder laid out as <folder>/{task.Name}/num_observation_{number}/{BenchmarkTask.ReferenceFileName}[.gz] (option --references).")
{
    /// <summary>The sbibm name of the task that lacks the samples.</summary>
    public string TaskName { get; } = task.Name;

    /// <summary>The observation (1..10) that has no reference samples.</summary>
    public int ObservationNumber { get; } = number;
}
