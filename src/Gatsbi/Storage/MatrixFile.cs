namespace Gatsbi.Storage;

/// <summary>The on-disk formats of a matrix, chosen by file name.</summary>
public enum MatrixFormat
{
    /// <summary>Text with a header row of column names (any name not listed below).</summary>
    Csv,
    /// <summary>gzip-compressed CSV (<c>.gz</c>).</summary>
    CsvGzip,
    /// <summary>NumPy's binary format (<c>.npy</c>): float32, no column names.</summary>
    Npy,
}

/// <summary>
/// Reads and writes a matrix as CSV (<c>.csv</c>, <c>.csv.gz</c>) or NumPy (<c>.npy</c>), by extension;
/// any other name is CSV, as it always was. NumPy files have no column names, so reading one names the
/// columns <c>prefix_1, prefix_2, …</c>.
/// </summary>
public static class MatrixFile
{
    /// <summary>The format <paramref name="path"/>'s extension selects (case-insensitive): .npy, then .gz, else CSV.</summary>
    public static MatrixFormat FormatOf(string path) =>
        path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? MatrixFormat.Npy
        : path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? MatrixFormat.CsvGzip
        : MatrixFormat.Csv;

    /// <summary>Reads a matrix in the format its name selects.</summary>
    /// <param name="path">The file.</param>
    /// <param name="defaultColumnPrefix">Prefix of the column names given to a .npy file, which stores none.</param>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid matrix of its format.</exception>
    public static NamedMatrix Read(string path, string defaultColumnPrefix = "column")
    {
        if (FormatOf(path) != MatrixFormat.Npy) return CsvMatrix.Read(path);
        var values = NpyFile.Read(path);
        return new NamedMatrix(CsvMatrix.DefaultNames(defaultColumnPrefix, values.GetLength(1)), values);
    }

    /// <summary>Writes atomically; the column names are kept where the format has them.</summary>
    public static void Write(string path, NamedMatrix table)
    {
        if (FormatOf(path) == MatrixFormat.Npy) NpyFile.Write(path, table.Values);
        else CsvMatrix.Write(path, table);
    }

    /// <summary>Starts a new file with no rows, replacing any file at <paramref name="path"/>.</summary>
    public static IMatrixAppender Create(string path, string[] columnNames) =>
        FormatOf(path) == MatrixFormat.Npy ? NpyAppender.Create(path, columnNames.Length) : CsvAppender.Create(path, columnNames);

    /// <summary>
    /// The rows of a file that a stopped run may have left: a last row cut off mid-write (a CSV line
    /// without its line end) is left out. Null when there is no file, or not even a complete header.
    /// </summary>
    public static NamedMatrix? ReadFinishedRows(string path, string defaultColumnPrefix = "column")
    {
        if (!File.Exists(path)) return null;
        if (FormatOf(path) == MatrixFormat.Npy) return Read(path, defaultColumnPrefix);
        var text = CsvAppender.FinishedLines(path);
        return text.Length == 0 ? null : CsvMatrix.Read(new MemoryStream(text), path);
    }

    /// <summary>
    /// Opens a file that a run left, keeps its first <paramref name="keepRows"/> rows (dropping anything
    /// after them, a cut-off row included) and appends after them; a missing file is created.
    /// </summary>
    public static IMatrixAppender Resume(string path, string[] columnNames, int keepRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keepRows);
        if (!File.Exists(path))
            return keepRows == 0
                ? Create(path, columnNames)
                : throw new FileNotFoundException($"Cannot keep {keepRows} rows of {path}: the file does not exist.", path);
        return FormatOf(path) == MatrixFormat.Npy
            ? NpyAppender.Resume(path, columnNames.Length, keepRows)
            : CsvAppender.Resume(path, columnNames, keepRows);
    }
}
