using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Gatsbi.Storage;

/// <summary>A numeric table with column names, as read from or written to CSV.</summary>
/// <param name="ColumnNames">One name per column, in column order.</param>
/// <param name="Values">The table, rows × columns.</param>
public sealed record NamedMatrix(string[] ColumnNames, float[,] Values)
{
    /// <summary>Rows of <see cref="Values"/>.</summary>
    public int Rows => Values.GetLength(0);

    /// <summary>Columns of <see cref="Values"/>.</summary>
    public int Columns => Values.GetLength(1);
}

/// <summary>
/// Reads and writes numeric CSV files (optionally gzip-compressed, by the .gz extension) with one header
/// row. Errors name the file, the row and the column. Writes are atomic: a temporary file is renamed over
/// the target only once it is complete, so an interrupted write never leaves half a file.
/// </summary>
public static class CsvMatrix
{
    /// <summary>UTF-8 that rejects invalid bytes (rather than reading them as U+FFFD into a column name) and skips a byte order mark.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads <paramref name="path"/>, decompressing it when its name ends in .gz (every gzip member's checksum
    /// and length are checked, and a file cut off anywhere is an error). Cells are split at every comma
    /// (quoted cells are not supported), header names are trimmed of spaces and quotes, blank lines are
    /// skipped, a last line needs no line end, and numbers are parsed in the invariant culture, non-finite
    /// ones as NumPy, pandas, C and .NET write them (<c>nan</c>, <c>inf</c>, <c>-inf</c>, <c>Infinity</c>, …, in any case).
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is bzip2-compressed, a damaged or truncated gzip file, not UTF-8 text, has no header, a row with the wrong number of cells, or a cell that is not a number.</exception>
    public static NamedMatrix Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"CSV file not found: {path}", path);
        if (path.EndsWith(".bz2", StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{path}: bzip2-compressed files are not read; decompress it first (bunzip2), or recompress it with gzip (.csv.gz).");
        using var stream = OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>As <see cref="Read(string)"/> from an already decompressed UTF-8 stream, which is read to its end and disposed; <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The text is not UTF-8, has no header, a row with the wrong number of cells, or a cell that is not a number.</exception>
    public static NamedMatrix Read(Stream stream, string sourceName)
    {
        using var reader = new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
        int lineNumber = 0;
        string? NextLine()
        {
            try
            {
                lineNumber++;
                return reader.ReadLine();
            }
            catch (DecoderFallbackException e)
            {
                // The reader decodes a block ahead of the line it returns, so the bad bytes are at this line or soon after.
                throw new InvalidDataException(
                    $"{sourceName}, line {lineNumber} or soon after: the text is not valid UTF-8 (bytes {Convert.ToHexString(e.BytesUnknown ?? [])}); save the file as UTF-8.", e);
            }
        }

        string? header = NextLine();
        if (header is null) throw new InvalidDataException($"{sourceName}: the file is empty; expected a header row of column names.");
        var names = header.Split(',').Select(s => s.Trim().Trim('"')).ToArray();
        var rows = new List<float[]>();
        string? line;
        while ((line = NextLine()) is not null)
        {
            if (line.Length == 0) continue;
            var cells = line.Split(',');
            if (cells.Length != names.Length)
                throw new InvalidDataException($"{sourceName}, line {lineNumber}: {cells.Length} values, but the header names {names.Length} columns.");
            var row = new float[cells.Length];
            for (int j = 0; j < cells.Length; j++)
            {
                var cell = cells[j].Trim();
                if (!NumberText.TryParse(cell, out row[j]))
                    throw new InvalidDataException($"{sourceName}, line {lineNumber}, column {j + 1} ('{names[j]}'): {DescribeCell(cell)}");
            }
            rows.Add(row);
        }
        return new NamedMatrix(names, Matrices.FromRows(rows, names.Length));
    }

    /// <summary>Why a cell is not a number, with a hint for the empty cell that pandas' to_csv writes for a missing value.</summary>
    private static string DescribeCell(string cell) => cell.Length == 0
        ? "the cell is empty; expected a number (write a missing value as nan, e.g. with pandas' to_csv(na_rep='nan'))."
        : $"'{(cell.Length <= 40 ? cell : cell[..37] + "...")}' is not a number.";

    /// <summary>
    /// Writes <paramref name="table"/> atomically (see <see cref="AtomicFile"/>), gzip-compressed when the name
    /// ends in .gz: a header row, then one line per row with round-trip ("R") numbers and \n line ends.
    /// </summary>
    /// <exception cref="ArgumentException">The number of column names differs from the number of columns.</exception>
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

    /// <summary>Writes <paramref name="values"/> as <see cref="Write(string, NamedMatrix)"/> does, with the columns named <c>prefix_1, prefix_2, …</c>.</summary>
    public static void Write(string path, float[,] values, string prefix) =>
        Write(path, new NamedMatrix(DefaultNames(prefix, values.GetLength(1)), values));

    /// <summary>sbibm's column names: parameter_1.., data_1...</summary>
    public static string[] DefaultNames(string prefix, int count) =>
        Enumerable.Range(1, count).Select(i => $"{prefix}_{i}").ToArray();

    private static Stream OpenRead(string path) =>
        path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? CheckedGzipStream.Open(path) : File.OpenRead(path);
}
