using System.Globalization;
using System.Text;

namespace Gatsbi.Benchmarks.Running;

/// <summary>
/// The tidy results CSV of a benchmark run, one row per cell (<see cref="ResultRow.Columns"/>). Rows are
/// appended and flushed as cells finish, so a stopped run keeps every finished cell; reading takes the last
/// row of each cell, so a cell retried after a failure replaces its failure.
/// </summary>
public sealed class ResultsFile(string path)
{
    /// <summary>The CSV file's path; it need not exist yet.</summary>
    public string Path { get; } = path;

    /// <summary>The latest row of every cell in the file, failures included; empty when the file does not exist or is empty.</summary>
    /// <exception cref="InvalidDataException">The header is not <see cref="ResultRow.Columns"/>, or a line is malformed (the message names the line and column).</exception>
    public IReadOnlyList<ResultRow> Read()
    {
        if (!File.Exists(Path)) return [];
        var latest = new Dictionary<CellKey, ResultRow>();
        using var reader = new StreamReader(Path, Encoding.UTF8);
        string? header = reader.ReadLine();
        if (header is null) return [];
        if (header != string.Join(',', ResultRow.Columns))
            throw new InvalidDataException($"{Path}: not a benchmark results file; expected the header '{string.Join(',', ResultRow.Columns)}', got '{header}'.");
        int lineNumber = 1;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var row = Parse(line, lineNumber);
            latest[row.Key] = row;
        }
        return [.. latest.Values];
    }

    /// <summary>
    /// Appends <paramref name="row"/> (with the header first if the file is new or empty, creating its folder) and flushes it
    /// to disk before returning, so the row survives a crash right after.
    /// </summary>
    public void Append(ResultRow row)
    {
        bool fresh = !File.Exists(Path) || new FileInfo(Path).Length == 0;
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (folder is not null) Directory.CreateDirectory(folder);
        using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false));
        if (fresh) writer.WriteLine(string.Join(',', ResultRow.Columns));
        writer.WriteLine(row.ToCsvLine());
        writer.Flush();
        stream.Flush(flushToDisk: true);
    }

    private ResultRow Parse(string line, int lineNumber)
    {
        var cells = SplitCsv(line);
        if (cells.Count != ResultRow.Columns.Length)
            throw new InvalidDataException($"{Path}, line {lineNumber}: {cells.Count} values; expected {ResultRow.Columns.Length}.");
        string Cell(int j) => cells[j];
        int Int(int j) => int.TryParse(Cell(j), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
            : throw new InvalidDataException($"{Path}, line {lineNumber}, column {j + 1} ('{ResultRow.Columns[j]}'): '{Cell(j)}' is not an integer.");
        double Double(int j) => Cell(j).Length == 0 ? double.NaN
            : double.TryParse(Cell(j), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
            : throw new InvalidDataException($"{Path}, line {lineNumber}, column {j + 1} ('{ResultRow.Columns[j]}'): '{Cell(j)}' is not a number.");
        ulong seed = ulong.TryParse(Cell(5), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s
            : throw new InvalidDataException($"{Path}, line {lineNumber}, column 6 ('seed'): '{Cell(5)}' is not a seed.");
        var key = new CellKey(Cell(0), Cell(1), Cell(2), Int(3), Int(4), seed);
        return new ResultRow(key, Double(6), Double(7), Double(8), Double(9), Double(10), Int(11), Int(12), Cell(13), Cell(14));
    }

    /// <summary>Splits one CSV line, honouring double-quoted fields with "" escapes.</summary>
    private static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells;
    }
}
