using Gatsbi.Distributions;
using Gatsbi.Simulation;
using Gatsbi.Storage;

namespace Gatsbi.Benchmarks;

/// <summary>
/// A benchmark problem with known answers: a prior, a simulator, and for each of its observations the
/// true parameters and reference posterior samples (sbibm's layout, embedded in this assembly).
/// </summary>
public abstract class BenchmarkTask
{
    public const int ObservationCount = 10;

    public abstract string Name { get; }
    public abstract IPrior Prior { get; }
    public abstract ISimulator Simulator { get; }
    public abstract string[] ParameterNames { get; }
    public int ParameterDimension => Simulator.ParameterDimension;
    public int DataDimension => Simulator.DataDimension;
    public string[] DataNames => CsvMatrix.DefaultNames("data", DataDimension);

    /// <summary>Observation x_o number <paramref name="number"/> (1..10).</summary>
    public float[] Observation(int number) => ReadRow(number, "observation.csv", DataDimension);

    public float[] TrueParameters(int number) => ReadRow(number, "true_parameters.csv", ParameterDimension);

    /// <summary>The 10,000 reference posterior samples for observation <paramref name="number"/>.</summary>
    public float[,] ReferencePosterior(int number)
    {
        var table = EmbeddedData.ReadCsv(Name, number, "reference_posterior_samples.csv.gz");
        if (table.Columns != ParameterDimension)
            throw new InvalidDataException($"{Name} reference posterior {number} has {table.Columns} columns; expected {ParameterDimension}.");
        return table.Values;
    }

    private float[] ReadRow(int number, string file, int expectedColumns)
    {
        var table = EmbeddedData.ReadCsv(Name, number, file);
        if (table.Rows != 1 || table.Columns != expectedColumns)
            throw new InvalidDataException($"{Name} {file} for observation {number} is {table.Rows}×{table.Columns}; expected 1×{expectedColumns}.");
        return table.Values.Row(0).ToArray();
    }
}
