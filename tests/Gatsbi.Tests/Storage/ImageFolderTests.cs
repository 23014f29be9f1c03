using Gatsbi.Storage;
using SkiaSharp;

namespace Gatsbi.Tests.Storage;

public sealed class ImageFolderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatsbi-image-folder-tests").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Writes an 8-bit greyscale PNG whose pixel (r, c) is <paramref name="value"/>(r, c).</summary>
    private string WritePng(string name, int height, int width, Func<int, int, byte> value)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        // Copy the bytes in directly: SetPixel on a Gray8 bitmap would go through a colour conversion.
        var line = new byte[bitmap.RowBytes];
        for (int r = 0; r < height; r++)
        {
            for (int c = 0; c < width; c++) line[c] = value(r, c);
            System.Runtime.InteropServices.Marshal.Copy(line, 0, bitmap.GetPixels() + r * bitmap.RowBytes, line.Length);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    [Fact]
    public void Reads_images_sorted_by_name_as_grey_floats_row_major()
    {
        WritePng("b.png", 2, 3, (r, c) => (byte)(100 + 10 * r + c));
        WritePng("a.png", 2, 3, (r, c) => (byte)(3 * r + c));
        WritePng("c.png", 2, 3, (_, _) => 255);
        File.WriteAllText(Path.Combine(_dir, "notes.txt"), "not an image, ignored");
        var set = ImageFolder.Read(_dir);
        Assert.Equal((3, 2, 3), (set.Count, set.Height, set.Width));
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal((3 * r + c) / 255f, set.Pixels[0, 3 * r + c]);     // a.png
                Assert.Equal((100 + 10 * r + c) / 255f, set.Pixels[1, 3 * r + c]); // b.png
                Assert.Equal(1f, set.Pixels[2, 3 * r + c]);                       // c.png
            }
        Assert.Equal(2, ImageFolder.Read(_dir, maxImages: 2).Count);
    }

    [Fact]
    public void An_image_of_another_size_is_named_with_both_sizes()
    {
        WritePng("a.png", 2, 3, (_, _) => 0);
        var odd = WritePng("b.png", 3, 2, (_, _) => 0);
        var e = Assert.Throws<InvalidDataException>(() => ImageFolder.Read(_dir));
        Assert.Contains(odd, e.Message);
        Assert.Contains("3×2", e.Message);
        Assert.Contains("2×3", e.Message);
        Assert.Contains("a.png", e.Message);
    }

    [Fact]
    public void An_empty_folder_and_an_undecodable_file_are_errors()
    {
        File.WriteAllText(Path.Combine(_dir, "readme.txt"), "no images here");
        var empty = Assert.Throws<InvalidDataException>(() => ImageFolder.Read(_dir));
        Assert.Contains("no images", empty.Message);
        Assert.Contains(_dir, empty.Message);

        WritePng("a.png", 2, 2, (_, _) => 7);
        var broken = Path.Combine(_dir, "b.png");
        File.WriteAllBytes(broken, [1, 2, 3, 4, 5, 6, 7, 8]);
        var e = Assert.Throws<InvalidDataException>(() => ImageFolder.Read(_dir));
        Assert.Contains(broken, e.Message);
        Assert.Contains("not a PNG file", e.Message);

        Assert.Throws<DirectoryNotFoundException>(() => ImageFolder.Read(Path.Combine(_dir, "missing")));
    }

    [Fact]
    public void A_png_cut_off_before_its_end_is_truncated_though_its_pixels_decode()
    {
        WritePng("a.png", 2, 2, (_, _) => 7);
        var cut = WritePng("b.png", 2, 2, (_, _) => 9);
        File.WriteAllBytes(cut, File.ReadAllBytes(cut)[..^6]); // into the IEND chunk
        var e = Assert.Throws<InvalidDataException>(() => ImageFolder.Read(_dir));
        Assert.Contains($"{cut}: the PNG file is truncated", e.Message);
    }

    [Fact]
    public void A_png_whose_chunk_does_not_match_its_crc_is_corrupt()
    {
        var path = WritePng("a.png", 3, 3, (r, c) => (byte)(r * 3 + c));
        var bytes = File.ReadAllBytes(path);
        int data = bytes.AsSpan().IndexOf("IDAT"u8) + 4;
        bytes[data + 3] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => ImageFolder.Read(_dir));
        Assert.Contains($"{path}: the PNG file is corrupt: chunk", e.Message);
        Assert.Contains("'IDAT'", e.Message);
    }

    [Fact]
    public void A_bmp_cut_off_inside_its_pixels_is_truncated_not_padded_with_black()
    {
        var path = Path.Combine(_dir, "a.bmp");
        var bytes = ReaderFuzzTests.Bmp([10, 20, 30, 40, 50, 60], 2, 3);
        File.WriteAllBytes(path, bytes);
        Assert.Equal(10 / 255f, ImageFolder.Read(_dir).Pixels[0, 0]);
        File.WriteAllBytes(path, bytes[..^5]);
        var e = Assert.Throws<InvalidDataException>(() => ImageFolder.Read(_dir));
        Assert.Contains($"{path}: the BMP file is truncated: its 3×2 pixels of 24 bits end at byte 78, but the file has 73 bytes", e.Message);
    }

    [Fact]
    public void A_jpeg_without_its_end_of_image_marker_is_truncated()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(8, 8, SKColorType.Gray8, SKAlphaType.Opaque));
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        var path = Path.Combine(_dir, "a.jpg");
        File.WriteAllBytes(path, data.ToArray());
        Assert.Equal(1, ImageFolder.Read(_dir).Count);
        File.WriteAllBytes(path, data.ToArray()[..^2]);
        var e = Assert.Throws<InvalidDataException>(() => ImageFolder.Read(_dir));
        Assert.Contains($"{path}: the JPEG file is truncated: it has no end-of-image marker", e.Message);
    }

    [Fact]
    public void Content_that_is_not_of_its_extensions_format_is_not_decoded_as_another()
    {
        var path = Path.Combine(_dir, "a.png");
        File.WriteAllBytes(path, ReaderFuzzTests.Bmp([1, 2, 3, 4], 2, 2));
        var e = Assert.Throws<InvalidDataException>(() => ImageFolder.Read(_dir));
        Assert.Contains($"{path}: not a PNG file: it starts with the bytes 424D460000000000; expected 89504E470D0A1A0A", e.Message);
    }
}
