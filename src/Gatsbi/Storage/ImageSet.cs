namespace Gatsbi.Storage;

/// <summary>
/// A set of equally sized greyscale images as the toolkit's row-major matrices use them: one image per row
/// of <see cref="Pixels"/>, its <see cref="Height"/>·<see cref="Width"/> pixels in row-major order (row 0
/// left to right, then row 1, …) scaled to [0, 1]. Keeping the shape beside the flat rows is what lets an
/// image prior, a simulator or a plot put the pixels back into a picture; <see cref="Source"/> names the
/// file or folder they came from, for messages.
/// </summary>
public sealed record ImageSet
{
    public ImageSet(float[,] pixels, int height, int width, string source)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (pixels.GetLength(1) != height * width)
            throw new ArgumentException($"{source}: images of {height}×{width} need {height * width} columns; the pixel matrix has {pixels.GetLength(1)}.", nameof(pixels));
        Pixels = pixels;
        Height = height;
        Width = width;
        Source = source;
    }

    /// <summary>count × (Height·Width), values in [0, 1].</summary>
    public float[,] Pixels { get; }

    public int Height { get; }
    public int Width { get; }

    /// <summary>The file or folder the images were read from.</summary>
    public string Source { get; }

    public int Count => Pixels.GetLength(0);
    public int PixelCount => Height * Width;
}
