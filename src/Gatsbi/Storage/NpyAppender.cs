namespace Gatsbi.Storage;

/// <summary>
/// Appends float32 rows to a .npy file. The header has a fixed size whatever the row count (NumPy's own
/// layout leaves room for the shape to grow), so after each append the data is written first and then
/// the shape in the header is rewritten in place: a stop between the two leaves a valid file whose header
/// counts only the rows before, and the extra bytes after them are ignored by readers.
/// </summary>
internal sealed class NpyAppender : IMatrixAppender
{
    private readonly FileStream _file;
    private readonly int _dataOffset;

    private NpyAppender(string path, FileStream file, int columns, int dataOffset, int rows)
    {
        Path = path;
        _file = file;
        Columns = columns;
        _dataOffset = dataOffset;
        Rows = rows;
    }

    public string Path { get; }
    public int Columns { get; }
    public int Rows { get; private set; }

    public static NpyAppender Create(string path, int columns)
    {
        var header = NpyHeader.Float32Matrix(0, columns);
        AtomicFile.Write(path, stream => stream.Write(header));
        return new NpyAppender(path, Open(path), columns, header.Length, 0);
    }

    public static NpyAppender Resume(string path, int columns, int keepRows)
    {
        var file = Open(path);
        try
        {
            var header = NpyHeader.Read(file, path);
            if (header.Descr != "<f4" || header.Shape.Length != 2 || header.Shape[1] != columns)
                throw new InvalidDataException(
                    $"{path}: cannot append to it: it holds a '{header.Descr}' array of shape {header.FormatShape()}; expected float32 ('<f4') rows of {columns} columns.");
            long rowBytes = (long)columns * sizeof(float);
            long complete = rowBytes == 0 ? header.Shape[0] : Math.Min(header.Shape[0], (file.Length - header.DataOffset) / rowBytes);
            if (keepRows > complete)
                throw new InvalidDataException($"{path}: holds {complete} complete rows; cannot keep {keepRows}.");
            if (NpyHeader.Float32Matrix(keepRows, columns).Length != header.DataOffset)
                throw new InvalidDataException(
                    $"{path}: its header has no room to grow (it was written by an old NumPy); save it again with a current NumPy, or start a new file.");
            file.SetLength(header.DataOffset + keepRows * rowBytes);
            var appender = new NpyAppender(path, file, columns, header.DataOffset, keepRows);
            appender.WriteHeader();
            return appender;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Append(float[,] rows)
    {
        if (rows.GetLength(1) != Columns)
            throw new ArgumentException($"{Path}: rows of {rows.GetLength(1)} values cannot be appended to a matrix of {Columns} columns.");
        if (rows.GetLength(0) == 0) return;
        _file.Seek(0, SeekOrigin.End);
        NpyFile.WriteRows(_file, rows);
        _file.Flush();
        Rows += rows.GetLength(0);
        WriteHeader();
    }

    public void Dispose()
    {
        _file.Flush(flushToDisk: true);
        _file.Dispose();
    }

    private void WriteHeader()
    {
        var header = NpyHeader.Float32Matrix(Rows, Columns);
        if (header.Length != _dataOffset) throw new InvalidOperationException($"{Path}: the header changed size ({_dataOffset} to {header.Length} bytes).");
        _file.Seek(0, SeekOrigin.Begin);
        _file.Write(header);
        _file.Flush();
    }

    private static FileStream Open(string path) => new(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
}
