using System.Globalization;
using System.IO.Compression;
using Gatsbi.Storage;

namespace Gatsbi.Benchmarks;

/// <summary>Reads the sbibm data files embedded in this assembly (see Data/README.md for their source and licence).</summary>
internal static class EmbeddedData
{
    public static void CheckObservationNumber(int observation)
    {
        if (observation is < 1 or > BenchmarkTask.ObservationCount)
            throw new ArgumentOutOfRangeException(nameof(observation), $"Observations are numbered 1..{BenchmarkTask.ObservationCount}; got {observation}.");
    }

    public static bool Exists(string task, int observation, string file) =>
        typeof(EmbeddedData).Assembly.GetManifestResourceInfo(ObservationResource(task, observation, file)) is not null;

    public static NamedMatrix ReadCsv(string task, int observation, string file)
    {
        CheckObservationNumber(observation);
        string name = ObservationResource(task, observation, file);
        using var content = Open(name);
        return CsvMatrix.Read(content, name);
    }

    /// <summary>A headerless numeric table from <c>&lt;task&gt;/files/</c> (the tensors sbibm stores as pickles), in double precision.</summary>
    public static double[,] ReadTable(string task, string file)
    {
        string name = $"Gatsbi.Benchmarks.Data/{task}/files/{file}";
        using var reader = new StreamReader(Open(name));
        var rows = new List<double[]>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length == 0) continue;
            var cells = line.Split(',');
            var row = new double[cells.Length];
            for (int j = 0; j < cells.Length; j++)
                row[j] = double.Parse(cells[j], NumberStyles.Float, CultureInfo.InvariantCulture);
            if (rows.Count > 0 && row.Length != rows[0].Length)
                throw new InvalidDataException($"{name}, line {rows.Count + 1}: {row.Length} values; earlier lines have {rows[0].Length}.");
            rows.Add(row);
        }
        var table = new double[rows.Count, rows.Count == 0 ? 0 : rows[0].Length];
        for (int i = 0; i < rows.Count; i++)
            for (int j = 0; j < rows[i].Length; j++) table[i, j] = rows[i][j];
        return table;
    }

    private static string ObservationResource(string task, int observation, string file) =>
        $"Gatsbi.Benchmarks.Data/{task}/num_observation_{observation}/{file}";

    private static Stream Open(string name)
    {
        var stream = typeof(EmbeddedData).Assembly.GetManifestResourceStream(name)
            ?? throw new FileNotFoundException($"No embedded data '{name}'.");
        return name.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(stream, CompressionMode.Decompress) : stream;
    }
}
