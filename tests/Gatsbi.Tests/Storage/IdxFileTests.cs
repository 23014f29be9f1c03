using System.Buffers.Binary;
using System.IO.Compression;
using Gatsbi.Storage;

namespace Gatsbi.Tests.Storage;

public sealed class IdxFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatsbi-idx-tests").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>An IDX file: big-endian magic, sizes, then the payload as given (possibly short, for truncation).</summary>
    private static byte[] Idx(int magic, int[] dims, byte[] payload)
    {
        var bytes = new byte[4 + 4 * dims.Length + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        payload.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    private string Write(string name, byte[] bytes, bool gzip = false)
    {
        var path = Path.Combine(_dir, name);
        if (!gzip) File.WriteAllBytes(path, bytes);
        else
        {
            using var file = File.Create(path);
            using var zip = new GZipStream(file, CompressionLevel.Fastest);
            zip.Write(bytes);
        }
        return path;
    }

    /// <summary>Three 2×3 images whose bytes are 0, 10, 20, … in file order, and one 255.</summary>
    private static byte[] Pixels()
    {
        var p = Enumerable.Range(0, 18).Select(i => (byte)(10 * i)).ToArray();
        p[17] = 255;
        return p;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Images_round_trip_in_stored_order_scaled_by_255(bool gzip)
    {
        var path = Write(gzip ? "images.gz" : "images", Idx(IdxFile.ImagesMagic, [3, 2, 3], Pixels()), gzip);
        var set = IdxFile.ReadImages(path);
        Assert.Equal((3, 2, 3), (set.Count, set.Height, set.Width));
        Assert.Equal(path, set.Source);
        var expected = Pixels();
        // Row-major as stored, no transposition: image i, pixel (r, c) is byte 6i + 3r + c.
        for (int i = 0; i < 3; i++)
            for (int p = 0; p < 6; p++)
                Assert.Equal(expected[6 * i + p] / 255f, set.Pixels[i, p]);
        Assert.Equal(1f, set.Pixels[2, 5]);
        Assert.Equal(0f, set.Pixels[0, 0]);
    }

    [Fact]
    public void MaxImages_reads_only_the_first_images()
    {
        var path = Write("images", Idx(IdxFile.ImagesMagic, [3, 2, 3], Pixels()));
        var set = IdxFile.ReadImages(path, maxImages: 2);
        Assert.Equal(2, set.Count);
        Assert.Equal(60 / 255f, set.Pixels[1, 0]);
        Assert.Equal(3, IdxFile.ReadImages(path, maxImages: 10).Count);
    }

    [Fact]
    public void Labels_are_read()
    {
        var path = Write("labels.gz", Idx(IdxFile.LabelsMagic, [4], [9, 0, 3, 255]), gzip: true);
        Assert.Equal([9, 0, 3, 255], IdxFile.ReadLabels(path));
    }

    [Fact]
    public void Truncated_pixels_say_how_many_bytes_were_expected_and_found()
    {
        var path = Write("short", Idx(IdxFile.ImagesMagic, [3, 2, 3], Pixels()[..10]));
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("expected 18 bytes of pixels, got 10", e.Message);
    }

    [Fact]
    public void Bytes_beyond_the_declared_images_are_an_error_even_when_fewer_are_kept()
    {
        var path = Write("long", Idx(IdxFile.ImagesMagic, [2, 2, 3], Pixels()));
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path, maxImages: 1));
        Assert.Contains(path, e.Message);
        Assert.Contains("the header declares 12 bytes of pixels, but the file holds 18", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_damaged_image_count_fails_as_truncated_without_allocating_for_it(bool gzip)
    {
        // 0x03000003 images of 2×3: 300 million pixels declared, 18 bytes there.
        var path = Write(gzip ? "count.gz" : "count", Idx(IdxFile.ImagesMagic, [0x03000003, 2, 3], Pixels()), gzip);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0L, 16L << 20); // not the 1.2 GB of floats declared
        Assert.Contains(path, e.Message);
        Assert.Contains("expected 301989906 bytes of pixels, got 18", e.Message);
    }

    [Fact]
    public void Images_too_large_for_an_array_are_rejected_without_overflow()
    {
        var path = Write("wide", Idx(IdxFile.ImagesMagic, [4, 65536, 65536], []));
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path));
        Assert.Contains("images of 65536×65536 pixels are larger than one array can hold", e.Message);
    }

    [Fact]
    public void Truncated_header_is_reported()
    {
        var path = Write("header", Idx(IdxFile.ImagesMagic, [3, 2, 3], [])[..10]);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void A_label_file_is_not_an_image_file()
    {
        var path = Write("labels", Idx(IdxFile.LabelsMagic, [4], [1, 2, 3, 4]));
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("expected 0x00000803", e.Message);
        Assert.Contains("got 1 dimension(s)", e.Message);
    }

    [Fact]
    public void Other_data_types_are_unsupported()
    {
        // 0x0D: float32 elements.
        var path = Write("floats", Idx(0x00000D03, [1, 1, 1], [0, 0, 0, 0]));
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path));
        Assert.Contains("unsupported data type 0x0D", e.Message);
        Assert.Contains("0x00000D03", e.Message);
    }

    [Fact]
    public void Non_idx_bytes_have_a_bad_magic_number()
    {
        var path = Write("image.png", [0x89, (byte)'P', (byte)'N', (byte)'G', 0, 0, 0, 0]);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path));
        Assert.Contains("bad IDX magic number 0x89504E47", e.Message);
        Assert.Contains("not an IDX file", e.Message);
        // A gzip file not named .gz is read raw: its magic is gzip's, and the message hints at that.
        var zipped = Write("images-without-suffix", Idx(IdxFile.ImagesMagic, [3, 2, 3], Pixels()), gzip: true);
        Assert.Contains("gzip", Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(zipped)).Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var path = Path.Combine(_dir, "nope.gz");
        var e = Assert.Throws<FileNotFoundException>(() => IdxFile.ReadImages(path));
        Assert.Contains(path, e.Message);
    }
}
