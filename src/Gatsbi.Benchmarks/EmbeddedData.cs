using Gatsbi.Storage;

namespace Gatsbi.Benchmarks;

/// <summary>Reads the sbibm data files embedded in this assembly (see Data/README.md for their source and licence).</summary>
internal static class EmbeddedData
{
    public static NamedMatrix ReadCsv(string task, int observation, string file)
    {
        if (observation is < 1 or > BenchmarkTask.ObservationCount)
            throw new ArgumentOutOfRangeException(nameof(observation), $"Observations are numbered 1..{BenchmarkTask.ObservationCount}; got {observation}.");
        string name = $"Gatsbi.Benchmarks.Data/{task}/num_observation_{observation}/{file}";
        using var stream = typeof(EmbeddedData).Assembly.GetManifestResourceStream(name)
            ?? throw new FileNotFoundException($"No embedded data '{name}'.");
        Stream content = file.EndsWith(".gz", StringComparison.Ordinal)
            ? new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress)
            : stream;
        using (content) return CsvMatrix.Read(content, name);
    }
}
