using System.Globalization;

namespace Gatsbi.Benchmarks.Running;

/// <summary>One cell of a benchmark: a method trained on one task at one budget and seed, scored on one observation.</summary>
public sealed record CellKey(string Task, string Method, string Preset, int Simulations, int Observation, ulong Seed)
{
    public override string ToString() => $"{Task}/{Method}-{Preset}/{Simulations} simulations/observation {Observation}/seed {Seed}";
}

/// <summary>
/// A row of the tidy results file. <see cref="Status"/> is "ok" or the error that stopped the cell, so a
/// failed cell is recorded rather than lost, and is tried again when the run is resumed.
/// </summary>
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
    public const string Ok = "ok";
    public bool Succeeded => Status == Ok;

    public static readonly string[] Columns =
    [
        "task", "method", "preset", "num_simulations", "num_observation", "seed", "c2st", "mmd",
        "simulation_seconds", "training_seconds", "sampling_seconds", "epochs", "threads", "version", "status",
    ];

    public string ToCsvLine() => string.Join(',',
        Key.Task, Key.Method, Key.Preset, I(Key.Simulations), I(Key.Observation), Key.Seed.ToString(CultureInfo.InvariantCulture),
        D(C2st), D(Mmd), D(SimulationSeconds), D(TrainingSeconds), D(SamplingSeconds), I(Epochs), I(Threads), Version, Quote(Status));

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
    private static string D(double v) => double.IsNaN(v) ? "" : v.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>Statuses are free text (error messages): quote them CSV-style.</summary>
    private static string Quote(string s) => s == Ok ? s : "\"" + s.Replace("\"", "\"\"").Replace('\n', ' ').Replace('\r', ' ') + "\"";
}
