using System.Globalization;

namespace Gatsbi.Cli;

/// <summary>
/// What this machine can take, checked against the options that size a command's work before the work starts
/// and before any output is created, so that an absurd value is one "error:" line giving the option, its value
/// and the limit, instead of thousands of threads, an out-of-memory crash after a long wait, or output files
/// with a header and no rows. Every command checks its options here:
/// <list type="bullet">
/// <item>Compute threads (TorchSharp's, a task simulator's, MCMC chains'): at most one per core. They are busy
/// all the time, so threads beyond the cores only take turns on them and slow each other down.</item>
/// <item>External simulator processes: at most <see cref="ProcessesPerCore"/> per core. An external simulator
/// may spend part of each run waiting (on files, on programs it starts), which a few extra processes per core
/// can fill; each is a whole process with its own pipes, so thousands exhaust the machine.</item>
/// <item>Ensemble members: at most <see cref="MaxEnsemble"/>.</item>
/// <item>Memory: the arrays a size option asks for, counted at the copies the code holds at once, against the
/// memory this process may use (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>: the machine's memory, or
/// a container's limit), and no array beyond <see cref="Array.MaxLength"/> values, the most one .NET array
/// holds. The estimates count the largest arrays at the copies the code makes of them, not every allocation:
/// they catch the settings that cannot fit, while one that passes can still run short if other programs hold
/// much of the memory.</item>
/// </list>
/// </summary>
/// <param name="processors">Cores this process may use.</param>
/// <param name="memoryBytes">Memory this process may use.</param>
internal sealed class MachineLimits(int processors, long memoryBytes)
{
    /// <summary>External simulator processes per core (see the class summary for why more than one).</summary>
    public const int ProcessesPerCore = 4;

    /// <summary>
    /// Most generators in an ensemble. All members are created before the first epoch and each trains for the
    /// full epoch budget, so K members cost K trainings and K pairs of networks in memory; the design study
    /// measured ensembles of up to 3 (docs/study.md), and 100 leaves ample room above that while stopping a
    /// slip such as 100000 from filling the memory with networks before any output appears.
    /// </summary>
    public const int MaxEnsemble = 100;

    /// <summary>
    /// Copies of the simulations a training holds at once besides one per generator training at the same time
    /// (GatsbiTrainer, NpeTrainer): the simulated set, its split into training and hold-out (or validation) rows,
    /// and a full-size temporary while the networks' input standardisation is fitted. Measured on slcp with
    /// 6,000,000 simulations, the peak memory above that of a tiny run was 3.5 copies with one generator and
    /// 4.8 with two trained side by side.
    /// </summary>
    private const int TrainingCopies = 3;

    /// <summary>Rows of x each simulation worker fills at once: <see cref="Gatsbi.Simulation.SimulationRunner.ChunkSize"/>'s default.</summary>
    private const int ChunkRows = 256;

    /// <summary>The limits of the machine this process runs on.</summary>
    public static MachineLimits Current => new(Environment.ProcessorCount, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);

    /// <summary>Cores this process may use.</summary>
    public int Processors { get; } = processors;

    /// <summary>Memory this process may use, in bytes.</summary>
    public long MemoryBytes { get; } = memoryBytes;

    /// <summary>Compute threads given as <paramref name="option"/>: from 1 to the cores; null (the default) passes.</summary>
    /// <exception cref="ArgumentException">Out of range.</exception>
    public void RequireThreads(int? threads, string option)
    {
        if (threads is not { } t) return;
        Presets.RequireAtLeast(1, t, option);
        if (t > Processors)
            throw new ArgumentException($"{option} {t:N0} is more than the {Processors} cores of this machine; threads beyond the cores only take turns on them. Give at most {Processors}.");
    }

    /// <summary>External simulator processes given as <paramref name="option"/>: from 1 to <see cref="ProcessesPerCore"/> per core.</summary>
    /// <exception cref="ArgumentException">Out of range.</exception>
    public void RequireProcesses(int processes, string option)
    {
        Presets.RequireAtLeast(1, processes, option);
        int most = ProcessesPerCore * Processors;
        if (processes > most)
            throw new ArgumentException($"{option} {processes:N0} is more than {ProcessesPerCore} simulator processes for each of the {Processors} cores of this machine; give at most {most}.");
    }

    /// <summary>Ensemble members given as <paramref name="option"/>: from 1 to <see cref="MaxEnsemble"/>; null (the preset's) passes.</summary>
    /// <exception cref="ArgumentException">Out of range.</exception>
    public static void RequireEnsemble(int? members, string option)
    {
        if (members is not { } k) return;
        Presets.RequireAtLeast(1, k, option);
        if (k > MaxEnsemble)
            throw new ArgumentException($"{option} {k:N0} is more than {MaxEnsemble} generators; each trains for the whole epoch budget and all are held in memory from the start. Give at most {MaxEnsemble}.");
    }

    /// <summary>
    /// Training on <paramref name="count"/> simulations (given as <paramref name="option"/>) of
    /// <paramref name="parameters"/> parameters and <paramref name="data"/> data values, by an ensemble of
    /// <paramref name="ensemble"/> generators (1 for NPE) of which up to one per core trains at a time, each with
    /// its own tensor copy of the simulations.
    /// </summary>
    /// <exception cref="ArgumentException">They cannot fit.</exception>
    public void RequireTrainingData(string option, int count, int parameters, int data, int ensemble = 1)
    {
        int copies = TrainingCopies + Math.Clamp(ensemble, 1, Processors);
        Require(option, count, [(count, parameters), (count, data)], (double)copies * count * (parameters + data) * sizeof(float),
            $"{copies} copies of {count:N0} simulations × {parameters + data} values × {sizeof(float)} bytes: the simulations, their training and hold-out split, " +
            $"a temporary while fitting the input scaling, and one for each of the {copies - TrainingCopies} generator(s) training at a time");
    }

    /// <summary>
    /// Simulations held whole: <paramref name="count"/> (given as <paramref name="option"/>) rows of
    /// <paramref name="parameters"/> + <paramref name="data"/> values, as ABC and calibration keep them.
    /// </summary>
    /// <exception cref="ArgumentException">They cannot fit.</exception>
    public void RequireSimulations(string option, int count, int parameters, int data) =>
        Require(option, count, [(count, parameters), (count, data)], (double)count * (parameters + data) * sizeof(float),
            $"{count:N0} simulations × {parameters + data} values × {sizeof(float)} bytes");

    /// <summary>
    /// Simulations written to files as they finish: all <paramref name="count"/> θ rows (given as
    /// <paramref name="countOption"/>) are held from the start, and each of <paramref name="workers"/> workers
    /// fills a chunk of x rows of <paramref name="data"/> values (given as <paramref name="dataOption"/>) at a time.
    /// </summary>
    /// <exception cref="ArgumentException">They cannot fit.</exception>
    public void RequireSimulationFiles(string countOption, int count, int parameters, string dataOption, int data, int workers)
    {
        double chunks = (double)workers * ChunkRows * data * sizeof(float);
        string chunkText = $"a chunk of {ChunkRows} x rows × {data:N0} values × {sizeof(float)} bytes for each of {workers} workers";
        Require(dataOption, data, [(ChunkRows, data)], chunks, chunkText);
        Require(countOption, count, [(count, parameters)], (double)count * parameters * sizeof(float) + chunks,
            $"{count:N0} θ rows × {parameters} values × {sizeof(float)} bytes, held from the start, and {chunkText}");
    }

    /// <summary>
    /// <paramref name="count"/> samples (given as <paramref name="option"/>) of a neural posterior with
    /// <paramref name="parameters"/> values: while drawing, each accepted sample is an array of its own in a list
    /// (GatsbiPosterior.Sample, NpePosterior.Sample), then all are copied into one matrix.
    /// </summary>
    /// <exception cref="ArgumentException">They cannot fit.</exception>
    public void RequireSamples(string option, int count, int parameters)
    {
        long perSample = ArrayBytes(parameters) + sizeof(long) + (long)parameters * sizeof(float);
        Require(option, count, [(count, 1), (count, parameters)], (double)count * perSample,
            $"{count:N0} samples × {perSample} bytes: one {ArrayBytes(parameters)}-byte array per sample and its list entry while drawing, then {parameters} values in the output matrix");
    }

    /// <summary>One matrix of <paramref name="rows"/> (given as <paramref name="option"/>) × <paramref name="columns"/> values, as ABC's samples and reference samples are drawn.</summary>
    /// <exception cref="ArgumentException">It cannot fit.</exception>
    public void RequireMatrix(string option, int rows, int columns) =>
        Require(option, rows, [(rows, columns)], (double)rows * columns * sizeof(float), $"{rows:N0} rows × {columns:N0} values × {sizeof(float)} bytes");

    /// <summary>The bytes of a float array of <paramref name="length"/> on 64-bit .NET: a 16-byte object header, the 8-byte length, the values, rounded up to 8.</summary>
    private static long ArrayBytes(int length) => (16 + 8 + (long)length * sizeof(float) + 7) / 8 * 8;

    /// <summary>Refuses <paramref name="value"/> of <paramref name="option"/> when one of <paramref name="arrays"/> (rows × columns) exceeds one array, or <paramref name="bytes"/> the memory.</summary>
    private void Require(string option, long value, (long Rows, long Columns)[] arrays, double bytes, string breakdown)
    {
        foreach (var (rows, columns) in arrays)
            if (rows * columns > Array.MaxLength)
                throw new ArgumentException($"{option} {value:N0} needs an array of {rows * columns:N0} values ({rows:N0} rows × {columns:N0} columns), " +
                                            $"more than the {Array.MaxLength:N0} one array can hold; lower {option}.");
        if (bytes > MemoryBytes)
            throw new ArgumentException($"{option} {value:N0} needs at least {Size(bytes)} of memory ({breakdown}), but this machine has {Size(MemoryBytes)} for this process; lower {option}.");
    }

    /// <summary>"3.0 GiB", "512 MiB": binary units, as memory is sized.</summary>
    public static string Size(double bytes) => bytes >= 1L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F1} GiB")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(bytes / (double)(1L << 20)):F0} MiB");
}
