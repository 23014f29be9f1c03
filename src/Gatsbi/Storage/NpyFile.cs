using System.Buffers.Binary;

namespace Gatsbi.Storage;

/// <summary>
/// Reads and writes NumPy .npy files holding one matrix. Writes version 1.0, little-endian float32
/// (<c>&lt;f4</c>), C order, with the header laid out exactly as NumPy's own <c>np.save</c> lays it out, so
/// the bytes are the same as NumPy would write. Reads versions 1.0, 2.0 and 3.0 with dtype <c>&lt;f4</c>,
/// <c>&lt;f8</c>, <c>&lt;i4</c>, <c>&lt;i8</c>, <c>|u1</c> or <c>|b1</c> in C order; a 1-D array reads as one column.
/// Bytes after the data are ignored, as NumPy ignores them; a file too short for the shape in its header
/// fails as truncated before the matrix is allocated, so that a damaged shape cannot ask for gigabytes.
/// </summary>
public static class NpyFile
{
    /// <summary>Reads the matrix in <paramref name="path"/>, converting its values to float32.</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a .npy file, has an unsupported version, dtype, order or shape, or is truncated.</exception>
    public static float[,] Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"NumPy file not found: {path}", path);
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>As <see cref="Read(string)"/> from a stream positioned at the file's start; <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The data is not a .npy file, has an unsupported version, dtype, order or shape, or is truncated.</exception>
    public static float[,] Read(Stream stream, string sourceName)
    {
        var header = NpyHeader.Read(stream, sourceName);
        var (rows, columns) = header.MatrixShape(sourceName);
        int itemSize = header.ItemSize;
        long needed = (long)rows * columns * itemSize;
        // Checked before the matrix is allocated, so that a damaged shape fails as what it is.
        if (stream.CanSeek && stream.Length - stream.Position < needed)
            throw Truncated(sourceName, header, rows, columns, needed, stream.Length - stream.Position);
        var values = new float[rows, columns];
        var target = values.AsSpan();
        var buffer = new byte[Math.Max(itemSize, 1 << 16) / itemSize * itemSize];
        int done = 0;
        while (done < target.Length)
        {
            int items = Math.Min(buffer.Length / itemSize, target.Length - done);
            int read = stream.ReadAtLeast(buffer.AsSpan(0, items * itemSize), items * itemSize, throwOnEndOfStream: false);
            if (read < items * itemSize)
                throw Truncated(sourceName, header, rows, columns, needed, (long)done * itemSize + read);
            Convert(header.Descr, buffer.AsSpan(0, read), target.Slice(done, items));
            done += items;
        }
        return values;
    }

    private static InvalidDataException Truncated(string sourceName, NpyHeader header, int rows, int columns, long needed, long found) =>
        new($"{sourceName}: the file is truncated: shape ({rows}, {columns}) of '{header.Descr}' needs {needed} bytes of data after the header, but only {found} are there.");

    /// <summary>Writes <paramref name="values"/> as little-endian float32 in C order, atomically.</summary>
    public static void Write(string path, float[,] values) =>
        AtomicFile.Write(path, stream =>
        {
            stream.Write(NpyHeader.Float32Matrix(values.GetLength(0), values.GetLength(1)));
            WriteRows(stream, values);
        });

    /// <summary>Appends the rows of <paramref name="values"/> to <paramref name="stream"/> as little-endian float32.</summary>
    internal static void WriteRows(Stream stream, float[,] values)
    {
        var source = values.AsSpan();
        var buffer = new byte[Math.Min(source.Length, 1 << 14) * sizeof(float)];
        for (int start = 0; start < source.Length; start += buffer.Length / sizeof(float))
        {
            int count = Math.Min(buffer.Length / sizeof(float), source.Length - start);
            for (int i = 0; i < count; i++)
                BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(i * sizeof(float)), source[start + i]);
            stream.Write(buffer, 0, count * sizeof(float));
        }
    }

    private static void Convert(string descr, ReadOnlySpan<byte> bytes, Span<float> target)
    {
        switch (descr)
        {
            case "<f4":
                for (int i = 0; i < target.Length; i++) target[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
                break;
            case "<f8":
                for (int i = 0; i < target.Length; i++) target[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(i * 8)..]);
                break;
            case "<i4":
                for (int i = 0; i < target.Length; i++) target[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(i * 4)..]);
                break;
            case "<i8":
                for (int i = 0; i < target.Length; i++) target[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(i * 8)..]);
                break;
            case "|u1":
                for (int i = 0; i < target.Length; i++) target[i] = bytes[i];
                break;
            case "|b1":
                for (int i = 0; i < target.Length; i++) target[i] = bytes[i] != 0 ? 1f : 0f;
                break;
            default:
                throw new InvalidOperationException($"dtype '{descr}' passed the header check but has no converter.");
        }
    }
}
