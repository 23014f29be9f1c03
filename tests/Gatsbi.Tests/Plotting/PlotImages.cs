using SkiaSharp;

namespace Gatsbi.Tests.Plotting;

/// <summary>Helpers for inspecting rendered figures.</summary>
internal static class PlotImages
{
    public static SKBitmap Decode(byte[] png) =>
        SKBitmap.Decode(png) ?? throw new InvalidOperationException("The bytes are not a decodable image.");

    /// <summary>Chroma (max − min channel): 0 for the white background and the grey frames, ticks and text; high for data colours.</summary>
    public static int Chroma(SKColor c) => Math.Max(c.Red, Math.Max(c.Green, c.Blue)) - Math.Min(c.Red, Math.Min(c.Green, c.Blue));

    /// <summary>Number of pixels with chroma above <paramref name="threshold"/> in the box centred at the given fractions of the image size.</summary>
    public static int CountColoured(SKBitmap image, double centreX, double centreY, double halfWidth, int threshold = 30)
    {
        int x0 = (int)((centreX - halfWidth) * image.Width);
        int x1 = (int)((centreX + halfWidth) * image.Width);
        int y0 = (int)((centreY - halfWidth) * image.Height);
        int y1 = (int)((centreY + halfWidth) * image.Height);
        int count = 0;
        for (int y = y0; y <= y1; y++)
        {
            for (int x = x0; x <= x1; x++)
            {
                if (Chroma(image.GetPixel(x, y)) > threshold)
                {
                    count++;
                }
            }
        }

        return count;
    }

    public static bool Contains(SKBitmap image, SKColor color)
    {
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                if (image.GetPixel(x, y) == color)
                {
                    return true;
                }
            }
        }

        return false;
    }
}

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gatsbi-plotting-" + Guid.NewGuid().ToString("N"))).FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
