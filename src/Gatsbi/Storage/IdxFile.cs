using System.Buffers.Binary;

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
    /// <paramref name="maxImages"/> of them (the first ones) when given. The file must hold exactly the
    /// images its header declares; a gzip file is decompressed to its end even when fewer are kept, since
    /// only its end holds the checksum that vouches for the part read.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not an IDX file of images, is truncated, holds more than its header declares, or is a damaged gzip file.</exception>
    public static ImageSet ReadImages(string path, int? maxImages = null)
    {
        using var stream = Open(path);
        return ReadImages(stream, path, maxImages);
    }

    /// <summary>As <see cref="ReadImages(string, int?)"/> from an already decompressed stream, read to its end; <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The data is not an IDX file of images, is truncated, or holds more than its header declares.</exception>
    public static ImageSet ReadImages(Stream stream, string sourceName, int? maxImages = null)
    {
        if (maxImages is < 0) throw new ArgumentOutOfRangeException(nameof(maxImages), $"maxImages must not be negative; got {maxImages}.");
        var dims = ReadHeader(stream, sourceName, ImagesMagic, "images (3-D unsigned bytes)");
        int stored = dims[0], rows = dims[1], columns = dims[2];
        if (rows == 0 || columns == 0)
            throw new InvalidDataException($"{sourceName}: images of {rows}×{columns} pixels are empty.");
        long pixelCount = (long)rows * columns;
        int count = Math.Min(stored, maxImages ?? int.MaxValue);
        // The image size alone first, so that the product below cannot overflow.
        if (pixelCount > Array.MaxLength)
            throw new InvalidDataException($"{sourceName}: images of {rows}×{columns} pixels are larger than one array can hold ({Array.MaxLength}).");
        if (pixelCount * count > Array.MaxLength)
            throw new InvalidDataException($"{sourceName}: {count} images of {rows}×{columns} pixels do not fit in one array; pass a smaller maxImages.");
        var bytes = ReadDeclared(stream, sourceName, count * pixelCount, stored * pixelCount, "bytes of pixels");
        var pixels = new float[count, pixelCount];
        var target = pixels.AsSpan();
        for (int i = 0; i < bytes.Length; i++) target[i] = bytes[i] / 255f;
        return new ImageSet(pixels, rows, columns, sourceName);
    }

    /// <summary>The labels of a 1-D IDX label file (magic 0x00000801), at most <paramref name="maxLabels"/> of them; the file is checked as in <see cref="ReadImages(string, int?)"/>.</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not an IDX file of labels, is truncated, holds more than its header declares, or is a damaged gzip file.</exception>
    public static int[] ReadLabels(string path, int? maxLabels = null)
    {
        if (maxLabels is < 0) throw new ArgumentOutOfRangeException(nameof(maxLabels), $"maxLabels must not be negative; got {maxLabels}.");
        using var stream = Open(path);
        var dims = ReadHeader(stream, path, LabelsMagic, "labels (1-D unsigned bytes)");
        int count = Math.Min(dims[0], maxLabels ?? int.MaxValue);
        return ReadDeclared(stream, path, count, dims[0], "bytes of labels").Select(b => (int)b).ToArray();
    }

    /// <summary>Opens <paramref name="path"/>, decompressing it when its name ends in .gz.</summary>
    private static Stream Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file not found: {path}", path);
        Stream file = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? CheckedGzipStream.Open(path) : File.OpenRead(path);
        return new BufferedStream(file, 1 << 16);
    }

    /// <summary>
    /// The first <paramref name="keep"/> of the <paramref name="declared"/> data bytes the header promises,
    /// after checking that the rest of the stream holds exactly the others.
    /// </summary>
    private static byte[] ReadDeclared(Stream stream, string sourceName, long keep, long declared, string what)
    {
        var bytes = DeclaredBytes.Read(stream, (int)keep);
        long rest = DeclaredBytes.Remaining(stream);
        if (bytes.Length + rest < declared)
            throw new InvalidDataException($"{sourceName}: the file is truncated: expected {declared} {what}, got {bytes.Length + rest}.");
        if (bytes.Length + rest > declared)
            throw new InvalidDataException($"{sourceName}: the header declares {declared} {what}, but the file holds {bytes.Length + rest}; the header or the file is damaged.");
        return bytes;
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
}
