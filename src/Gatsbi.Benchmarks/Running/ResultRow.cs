using System.Globalization;
using Gatsbi.Inference;

namespace Gatsbi.Benchmarks.Running;

/// <summary>One cell of a benchmark: a method trained on one task at one budget and seed, scored on one observation.</summary>
/// <param name="Task">sbibm task name.</param>
/// <param name="Method">Method name as the published tables spell it (<see cref="IInferenceMethod.Name"/>).</param>
/// <param name="Preset">The method's configuration (<see cref="IInferenceMethod.Preset"/>).</param>
/// <param name="Simulations">Simulation budget.</param>
/// <param name="Observation">The observation scored, 1..10.</param>
/// <param name="Seed">Root seed of the run.</param>
public sealed record CellKey(string Task, string Method, string Preset, int Simulations, int Observation, ulong Seed)
{
    /// <summary>The cell as one line for messages, e.g. "two_moons/GATSBI-fast/10000 simulations/observation 1/seed 1".</summary>
    public override string ToString() => $"{Task}/{Method}-{Preset}/{Simulations} simulations/observation {Observation}/seed {Seed}";
}

/// <summary>
/// A row of the tidy results file. <see cref="Status"/> is "ok" or the error that stopped the cell, so a
/// failed cell is recorded rather than lost, and is tried again when the run is resumed.
/// </summary>
/// <param name="Key">Which cell.</param>
/// <param name="C2st">C2ST accuracy of the samples against the reference (0.5 is perfect); NaN for a failed cell.</param>
/// <param name="Mmd">Squared MMD of the samples against the reference (sbibm's definition); NaN for a failed cell.</param>
/// <param name="SimulationSeconds">Wall-clock seconds spent simulating the training data.</param>
/// <param name="TrainingSeconds">Wall-clock seconds of training (for per-observation methods, of the whole run).</param>
/// <param name="SamplingSeconds">Wall-clock seconds to draw the posterior samples.</param>
/// <param name="Epochs">Epochs trained (populations for ABC).</param>
/// <param name="Threads">Threads the training used.</param>
/// <param name="Version">Gatsbi.NET version that produced the row (<see cref="BenchmarkRunner.Version"/>).</param>
/// <param name="Status"><see cref="Ok"/>, or "error: " and the message that stopped the cell.</param>
public sealed record ResultRow(
    CellKey Key,
    double C2st,
    double Mmd,
    double SimulationSeconds,
    double TrainingSeconds,
    double SamplingSeconds,
    int Epochs,
    int Threads,
    string Version,
    string Status)
{
    /// <summary>The status of a cell that was scored.</summary>
    public const string Ok = "ok";

    /// <summary>True when the cell was scored (<see cref="Status"/> is <see cref="Ok"/>).</summary>
    public bool Succeeded => Status == Ok;

    /// <summary>The CSV header, in column order: the key (with sbibm's column names), the scores, the costs, version and status.</summary>
    public static readonly string[] Columns =
    [
        "task", "method", "preset", "num_simulations", "num_observation", "seed", "c2st", "mmd",
        "simulation_seconds", "training_seconds", "sampling_seconds", "epochs", "threads", "version", "status",
    ];

    /// <summary>
    /// The row as one CSV line in <see cref="Columns"/> order, culture-invariant: numbers to 6 significant digits, NaN as an empty
    /// field, a failure status quoted with its line breaks replaced by spaces.
    /// </summary>
    public string ToCsvLine() => string.Join(',',
        Key.Task, Key.Method, Key.Preset, I(Key.Simulations), I(Key.Observation), Key.Seed.ToString(CultureInfo.InvariantCulture),
        D(C2st), D(Mmd), D(SimulationSeconds), D(TrainingSeconds), D(SamplingSeconds), I(Epochs), I(Threads), Version, Quote(Status));

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
    private static string D(double v) => double.IsNaN(v) ? "" : v.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>Statuses are free text (error messages): quote them CSV-style.</summary>
    private static string Quote(string s) => s == Ok ? s : "\"" + s.Replace("\"", "\"\"").Replace('\n', ' ').Replace('\r', ' ') + "\"";
}
