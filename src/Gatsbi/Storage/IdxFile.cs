using System.Buffers.Binary;
using System.IO.Compression;

namespace Gatsbi.Storage;

/// <summary>
/// Reads the IDX files that MNIST, Fashion-MNIST and EMNIST are distributed in, plain or gzip-compressed
/// (a name ending in <c>.gz</c>), so that such a set can serve as an image prior without a conversion step.
/// The header is a big-endian magic number 0x0000TTDD (TT the element type, DD the number of dimensions)
/// followed by DD big-endian int32 sizes, then the elements in C order. Images must be unsigned bytes in
/// three dimensions (magic 0x00000803: count × rows × columns); labels unsigned bytes in one (0x00000801).
/// Pixels are returned as uint8/255 in the stored order: no transposition, which is what the GATSBI camera
/// model does with its (transposed) EMNIST images.
/// </summary>
public static class IdxFile
{
    /// <summary>Magic number of a 3-D unsigned-byte array (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of a 1-D unsigned-byte array (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    private const int UnsignedByteType = 0x08;

    /// <summary>
    /// The images of an IDX file as count × (rows·columns) floats in [0, 1]; at most
    /// <paramref name="maxImages"/> of them (the first ones) when given, which reads only that part.
    /// </summary>
    public static ImageSet ReadImages(string path, int? maxImages = null)
    {
        using var stream = Open(path);
        return ReadImages(stream, path, maxImages);
    }

    /// <summary>As <see cref="ReadImages(string, int?)"/> from an already decompressed stream; <paramref name="sourceName"/> names it in errors.</summary>
    public static ImageSet ReadImages(Stream stream, string sourceName, int? maxImages = null)
    {
        if (maxImages is < 0) throw new ArgumentOutOfRangeException(nameof(maxImages), $"maxImages must not be negative; got {maxImages}.");
        var dims = ReadHeader(stream, sourceName, ImagesMagic, "images (3-D unsigned bytes)");
        int stored = dims[0], rows = dims[1], columns = dims[2];
        if (rows == 0 || columns == 0)
            throw new InvalidDataException($"{sourceName}: images of {rows}×{columns} pixels are empty.");
        int count = Math.Min(stored, maxImages ?? int.MaxValue);
        long pixelCount = (long)rows * columns;
        if (count > 0 && pixelCount * count > Array.MaxLength)
            throw new InvalidDataException($"{sourceName}: {count} images of {rows}×{columns} do not fit in one array; pass a smaller maxImages.");
        var pixels = new float[count, rows * columns];
        ReadBytesAsUnitFloats(stream, sourceName, pixels.AsSpan(), (long)stored * pixelCount);
        return new ImageSet(pixels, rows, columns, sourceName);
    }

    /// <summary>The labels of a 1-D IDX label file (magic 0x00000801), at most <paramref name="maxLabels"/> of them.</summary>
    public static int[] ReadLabels(string path, int? maxLabels = null)
    {
        if (maxLabels is < 0) throw new ArgumentOutOfRangeException(nameof(maxLabels), $"maxLabels must not be negative; got {maxLabels}.");
        using var stream = Open(path);
        var dims = ReadHeader(stream, path, LabelsMagic, "labels (1-D unsigned bytes)");
        int count = Math.Min(dims[0], maxLabels ?? int.MaxValue);
        var bytes = new byte[count];
        int read = stream.ReadAtLeast(bytes, count, throwOnEndOfStream: false);
        if (read < count)
            throw new InvalidDataException($"{path}: the file is truncated: expected {dims[0]} bytes of labels, got {read}.");
        return bytes.Select(b => (int)b).ToArray();
    }

    /// <summary>Opens <paramref name="path"/>, decompressing it when its name ends in .gz.</summary>
    private static Stream Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file not found: {path}", path);
        Stream file = File.OpenRead(path);
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) return new BufferedStream(file, 1 << 16);
        return new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16);
    }

    /// <summary>Reads and checks the magic number and the sizes; returns the sizes.</summary>
    private static int[] ReadHeader(Stream stream, string sourceName, int expectedMagic, string expectedWhat)
    {
        Span<byte> word = stackalloc byte[4];
        int magic = ReadInt32(stream, sourceName, word, "the magic number");
        if (magic != expectedMagic)
        {
            string got = (magic >> 16) != 0 || ((magic >> 8) & 0xFF) is not (0x08 or 0x09 or 0x0B or 0x0C or 0x0D or 0x0E)
                ? "not an IDX file (or a gzip file whose name does not end in .gz)"
                : (magic >> 8 & 0xFF) != UnsignedByteType
                    ? $"unsupported data type 0x{magic >> 8 & 0xFF:X2} (only unsigned bytes, 0x08, are supported)"
                    : $"{magic & 0xFF} dimension(s)";
            throw new InvalidDataException(
                $"{sourceName}: bad IDX magic number 0x{magic:X8}: expected 0x{expectedMagic:X8}, {expectedWhat}; got {got}.");
        }
        var dims = new int[magic & 0xFF];
        for (int d = 0; d < dims.Length; d++)
        {
            dims[d] = ReadInt32(stream, sourceName, word, $"size {d} of the header");
            if (dims[d] < 0) throw new InvalidDataException($"{sourceName}: size {d} in the header is negative ({dims[d]}).");
        }
        return dims;
    }

    private static int ReadInt32(Stream stream, string sourceName, Span<byte> word, string what)
    {
        int read = stream.ReadAtLeast(word, 4, throwOnEndOfStream: false);
        if (read < 4) throw new InvalidDataException($"{sourceName}: the file is truncated: expected 4 bytes for {what}, got {read}.");
        return BinaryPrimitives.ReadInt32BigEndian(word);
    }

    /// <summary>
    /// Fills <paramref name="target"/> with the next bytes divided by 255. <paramref name="declared"/> is the
    /// number of pixel bytes the header promises, for the truncation message.
    /// </summary>
    private static void ReadBytesAsUnitFloats(Stream stream, string sourceName, Span<float> target, long declared)
    {
        var buffer = new byte[1 << 16];
        int done = 0;
        while (done < target.Length)
        {
            int want = Math.Min(buffer.Length, target.Length - done);
            int read = stream.ReadAtLeast(buffer.AsSpan(0, want), want, throwOnEndOfStream: false);
            for (int i = 0; i < read; i++) target[done + i] = buffer[i] / 255f;
            done += read;
            if (read < want)
            {
                // Count what the file does hold, so that the message says how much is missing.
                long got = done;
                while ((read = stream.Read(buffer)) > 0) got += read;
                throw new InvalidDataException($"{sourceName}: the file is truncated: expected {declared} bytes of pixels, got {got}.");
            }
        }
    }
}
