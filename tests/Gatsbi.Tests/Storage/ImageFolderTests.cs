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
        Assert.Contains("cannot decode", e.Message);

        Assert.Throws<DirectoryNotFoundException>(() => ImageFolder.Read(Path.Combine(_dir, "missing")));
    }
}
