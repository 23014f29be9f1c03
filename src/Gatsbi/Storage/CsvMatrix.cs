using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Gatsbi.Storage;

/// <summary>A numeric table with column names, as read from or written to CSV.</summary>
public sealed record NamedMatrix(string[] ColumnNames, float[,] Values)
{
    public int Rows => Values.GetLength(0);
    public int Columns => Values.GetLength(1);
}

/// <summary>
/// Reads and writes numeric CSV files (optionally gzip-compressed, by the .gz extension) with one header
/// row. Errors name the file, the row and the column. Writes are atomic: a temporary file is renamed over
/// the target only once it is complete, so an interrupted write never leaves half a file.
/// </summary>
public static class CsvMatrix
{
    public static NamedMatrix Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"CSV file not found: {path}", path);
        if (path.EndsWith(".bz2", StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{path}: bzip2-compressed files are not read; decompress it first (bunzip2), or recompress it with gzip (.csv.gz).");
        using var stream = OpenRead(path);
        return Read(stream, path);
    }

    public static NamedMatrix Read(Stream stream, string sourceName)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? header = reader.ReadLine();
        if (header is null) throw new InvalidDataException($"{sourceName}: the file is empty; expected a header row of column names.");
        var names = header.Split(',').Select(s => s.Trim().Trim('"')).ToArray();
        var rows = new List<float[]>();
        int lineNumber = 1;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var cells = line.Split(',');
            if (cells.Length != names.Length)
                throw new InvalidDataException($"{sourceName}, line {lineNumber}: {cells.Length} values, but the header names {names.Length} columns.");
            var row = new float[cells.Length];
            for (int j = 0; j < cells.Length; j++)
            {
                var cell = cells[j].Trim();
                if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out row[j]))
                    throw new InvalidDataException($"{sourceName}, line {lineNumber}, column {j + 1} ('{names[j]}'): '{cell}' is not a number.");
            }
            rows.Add(row);
        }
        return new NamedMatrix(names, Matrices.FromRows(rows, names.Length));
    }

    public static void Write(string path, NamedMatrix table)
    {
        if (table.ColumnNames.Length != table.Columns)
            throw new ArgumentException($"{table.ColumnNames.Length} column names for {table.Columns} columns.");
        AtomicFile.Write(path, stream =>
        {
            using var compressed = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
                ? new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true)
                : null;
            using var writer = new StreamWriter(compressed ?? stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            writer.Write(HeaderLine(table.ColumnNames));
            var line = new StringBuilder();
            for (int i = 0; i < table.Rows; i++)
            {
                line.Clear();
                AppendLine(line, table.Values.Row(i));
                writer.Write(line);
            }
        });
    }

    /// <summary>The header row, with its line end.</summary>
    internal static string HeaderLine(IEnumerable<string> names) => string.Join(',', names) + "\n";

    /// <summary>Appends one data row, with its line end, in the round-trip format this class writes.</summary>
    internal static void AppendLine(StringBuilder line, ReadOnlySpan<float> values)
    {
        for (int j = 0; j < values.Length; j++)
        {
            if (j > 0) line.Append(',');
            line.Append(values[j].ToString("R", CultureInfo.InvariantCulture));
        }
        line.Append('\n');
    }

    public static void Write(string path, float[,] values, string prefix) =>
        Write(path, new NamedMatrix(DefaultNames(prefix, values.GetLength(1)), values));

    /// <summary>sbibm's column names: parameter_1.., data_1...</summary>
    public static string[] DefaultNames(string prefix, int count) =>
        Enumerable.Range(1, count).Select(i => $"{prefix}_{i}").ToArray();

    private static Stream OpenRead(string path)
    {
        Stream file = File.OpenRead(path);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }
}
