using SkiaSharp;

namespace Gatsbi.Plotting;

/// <summary>Creating a white raster canvas and writing the resulting PNG atomically.</summary>
internal static class PngFile
{
    /// <summary>The size limits every figure shares: large enough to lay out a legend, small enough to allocate.</summary>
    public static void CheckSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 200);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 10_000);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 150);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, 10_000);
    }

    public static SKSurface CreateSurface(int width, int height)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var surface = SKSurface.Create(info)
            ?? throw new InvalidOperationException($"Could not allocate a {width}×{height} drawing surface.");
        surface.Canvas.Clear(SKColors.White);
        return surface;
    }

    public static byte[] Encode(SKSurface surface)
    {
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException("PNG encoding failed.");
        return data.ToArray();
    }

    /// <summary>
    /// Writes to a temporary file in the destination folder and renames it over <paramref name="path"/>,
    /// so readers (a CI artefact collector, an image viewer) never see a half-written PNG;
    /// a rename is only atomic within one file system, hence the same folder.
    /// </summary>
    public static void WriteAtomic(string path, byte[] bytes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"'{path}' has no parent folder.", nameof(path));
        Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
