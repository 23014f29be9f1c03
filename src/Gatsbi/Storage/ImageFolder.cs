using StbImageSharp;

namespace Gatsbi.Storage;

/// <summary>
/// Reads every image in a folder as one <see cref="ImageSet"/>, so that any collection of pictures (not only
/// the IDX sets) can be an image prior. Files are taken in ordinal order of their names, which makes the row
/// order, and so every seeded draw from the set, the same on every machine. PNG, JPEG, BMP, GIF (first
/// frame), TGA and PSD are decoded by StbImageSharp (managed code, no native library); binary PGM is not,
/// because that decoder has no PNM support. Colour images are converted to grey by the decoder (stb's
/// integer luma, (77·R + 150·G + 29·B) / 256); pixels are uint8/255 as for IDX files. Files with other
/// extensions are ignored; all images must have the same size. Each file is first checked whole as far
/// as its format allows (its signature against its extension, PNG chunk checksums, the end of a BMP's
/// pixels, JPEG's and GIF's end markers), so that a damaged or cut-off file fails, naming it, rather than
/// decoding to wrong pixels.
/// </summary>
public static class ImageFolder
{
    /// <summary>The extensions read (lower case, with the dot).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tga", ".psd"];

    /// <summary>The images of <paramref name="folder"/>, at most <paramref name="maxImages"/> of them (the first by name).</summary>
    /// <exception cref="DirectoryNotFoundException">There is no folder <paramref name="folder"/>.</exception>
    /// <exception cref="InvalidDataException">The folder holds no images, or an image that is damaged, cannot be decoded, or differs in size from the first.</exception>
    public static ImageSet Read(string folder, int? maxImages = null)
    {
        if (maxImages is < 0) throw new ArgumentOutOfRangeException(nameof(maxImages), $"maxImages must not be negative; got {maxImages}.");
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Image folder not found: {folder}");
        var files = Directory.EnumerateFiles(folder)
            .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
            .Take(maxImages ?? int.MaxValue)
            .ToArray();
        if (files.Length == 0)
            throw new InvalidDataException($"{folder}: the folder holds no images (looked for {string.Join(", ", Extensions)}).");

        float[,]? pixels = null;
        int height = 0, width = 0;
        string first = files[0];
        for (int i = 0; i < files.Length; i++)
        {
            var image = Decode(files[i]);
            if (pixels is null)
            {
                (height, width) = (image.Height, image.Width);
                pixels = new float[files.Length, height * width];
            }
            else if (image.Height != height || image.Width != width)
                throw new InvalidDataException(
                    $"{files[i]}: the image is {image.Height}×{image.Width} (height×width), but {Path.GetFileName(first)}, the first image of the folder, is {height}×{width}; all images must have the same size.");
            var row = pixels.Row(i);
            for (int p = 0; p < row.Length; p++) row[p] = image.Data[p] / 255f;
        }
        return new ImageSet(pixels!, height, width, folder);
    }

    /// <summary>
    /// Decodes one file to 8-bit grey, naming the file when it cannot: after <see cref="ImageIntegrity"/> has
    /// checked it whole, and its header that its pixels fit in a matrix row, so that a damaged size is not
    /// first allocated.
    /// </summary>
    private static ImageResult Decode(string file)
    {
        byte[] bytes = File.ReadAllBytes(file);
        ImageIntegrity.Check(file, bytes);
        if (Attempt(file, () => ImageInfo.FromStream(new MemoryStream(bytes))) is { } info && (long)info.Width * info.Height > Array.MaxLength)
            throw new InvalidDataException($"{file}: the header declares an image of {info.Height}×{info.Width} pixels, more than one matrix row can hold ({Array.MaxLength}).");
        var image = Attempt(file, () => ImageResult.FromMemory(bytes, ColorComponents.Grey));
        if (image is null || image.Data is null || image.Width <= 0 || image.Height <= 0)
            throw new InvalidDataException($"{file}: cannot decode the image.");
        if (image.Data.Length < image.Width * image.Height)
            throw new InvalidDataException($"{file}: the decoder returned {image.Data.Length} bytes for {image.Height}×{image.Width} pixels.");
        return image;
    }

    /// <summary>Runs the decoder, turning whatever it throws (it reports bad data with plain exceptions) into an error naming the file.</summary>
    private static T Attempt<T>(string file, Func<T> decode)
    {
        try
        {
            return decode();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{file}: cannot decode the image: {e.Message}", e);
        }
    }
}
