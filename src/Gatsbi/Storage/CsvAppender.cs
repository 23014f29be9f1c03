using System.IO.Compression;
using System.Text;

namespace Gatsbi.Storage;

/// <summary>
/// Appends rows to a CSV file, each batch as whole lines in one write. A gzip file (.gz) grows by one gzip
/// member per batch: concatenated members are one valid gzip stream, so the file stays readable after
/// every batch.
/// </summary>
internal sealed class CsvAppender : IMatrixAppender
{
    private static readonly UTF8Encoding Utf8 = new(false);
    private readonly FileStream _file;
    private readonly bool _gzip;

    private CsvAppender(string path, int columns, int rows)
    {
        Path = path;
        Columns = columns;
        Rows = rows;
        _gzip = MatrixFile.FormatOf(path) == MatrixFormat.CsvGzip;
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    public string Path { get; }
    public int Columns { get; }
    public int Rows { get; private set; }

    public static CsvAppender Create(string path, string[] columnNames)
    {
        var header = Utf8.GetBytes(CsvMatrix.HeaderLine(columnNames));
        bool gzip = MatrixFile.FormatOf(path) == MatrixFormat.CsvGzip;
        AtomicFile.Write(path, stream => stream.Write(gzip ? Compress(header) : header));
        return new CsvAppender(path, columnNames.Length, 0);
    }

    public static CsvAppender Resume(string path, string[] columnNames, int keepRows)
    {
        var content = FinishedLines(path);
        if (content.Length == 0)
            return keepRows == 0 ? Create(path, columnNames) : throw new InvalidDataException($"{path}: has no complete header row; cannot keep {keepRows} rows.");
        int headerEnd = Array.IndexOf(content, (byte)'\n') + 1;
        int columns = Utf8.GetString(content, 0, headerEnd).Split(',').Length;
        if (columns != columnNames.Length)
            throw new InvalidDataException($"{path}: cannot append to it: its header names {columns} columns; expected {columnNames.Length}.");
        int cut = EndOfRow(content, headerEnd, keepRows, path);
        if (MatrixFile.FormatOf(path) == MatrixFormat.CsvGzip)
            AtomicFile.Write(path, stream => stream.Write(Compress(content.AsSpan(0, cut))));
        else
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read))
                file.SetLength(cut);
        return new CsvAppender(path, columns, keepRows);
    }

    /// <summary>
    /// The (decompressed) bytes of the file up to its last line end: what a stopped writer finished. Of a
    /// gzip file only the complete members count, each a whole batch whose checksum matched: a last member
    /// cut off by the stop is left out, but damage anywhere else is an error (see <see cref="CheckedGzipStream"/>).
    /// </summary>
    public static byte[] FinishedLines(string path)
    {
        byte[] content;
        if (MatrixFile.FormatOf(path) == MatrixFormat.CsvGzip)
        {
            using var output = new MemoryStream();
            using var input = CheckedGzipStream.Open(path, endMayBeCutOff: true);
            input.CopyTo(output);
            content = output.GetBuffer()[..(int)input.CompleteLength];
        }
        else
        {
            content = File.ReadAllBytes(path);
        }
        return content[..(Array.LastIndexOf(content, (byte)'\n') + 1)];
    }

    public void Append(float[,] rows)
    {
        if (rows.GetLength(1) != Columns)
            throw new ArgumentException($"{Path}: rows of {rows.GetLength(1)} values cannot be appended to a matrix of {Columns} columns.");
        if (rows.GetLength(0) == 0) return;
        var text = new StringBuilder();
        for (int i = 0; i < rows.GetLength(0); i++) CsvMatrix.AppendLine(text, rows.Row(i));
        var bytes = Utf8.GetBytes(text.ToString());
        _file.Write(_gzip ? Compress(bytes) : bytes);
        _file.Flush();
        Rows += rows.GetLength(0);
    }

    public void Dispose()
    {
        _file.Flush(flushToDisk: true);
        _file.Dispose();
    }

    /// <summary>The offset just after data row <paramref name="rows"/>; blank lines are not rows, as in <see cref="CsvMatrix.Read(string)"/>.</summary>
    private static int EndOfRow(byte[] content, int headerEnd, int rows, string path)
    {
        int at = headerEnd, found = 0;
        while (found < rows)
        {
            if (at >= content.Length)
                throw new InvalidDataException($"{path}: holds {found} complete rows; cannot keep {rows}.");
            int end = Array.IndexOf(content, (byte)'\n', at) + 1;
            bool blank = end - at == 1 || (end - at == 2 && content[at] == (byte)'\r');
            if (!blank) found++;
            at = end;
        }
        return at;
    }

    private static byte[] Compress(ReadOnlySpan<byte> bytes)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(bytes);
        return buffer.ToArray();
    }
}
