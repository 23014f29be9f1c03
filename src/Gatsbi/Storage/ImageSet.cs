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
    /// <summary>A set of <paramref name="height"/> × <paramref name="width"/> images, one per row of <paramref name="pixels"/> (kept, not copied).</summary>
    /// <param name="pixels">count × (height·width) values, expected in [0, 1] (not checked).</param>
    /// <param name="height">Image height in pixels; positive.</param>
    /// <param name="width">Image width in pixels; positive.</param>
    /// <param name="source">The file or folder the images came from, for messages.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="height"/> or <paramref name="width"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> does not have height·width columns.</exception>
    public ImageSet(float[,] pixels, int height, int width, string source)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (pixels.GetLength(1) != (long)height * width)
            throw new ArgumentException($"{source}: images of {height}×{width} need {(long)height * width} columns; the pixel matrix has {pixels.GetLength(1)}.", nameof(pixels));
        Pixels = pixels;
        Height = height;
        Width = width;
        Source = source;
    }

    /// <summary>count × (Height·Width), values in [0, 1].</summary>
    public float[,] Pixels { get; }

    /// <summary>Image height in pixels (rows of a picture).</summary>
    public int Height { get; }

    /// <summary>Image width in pixels (columns of a picture).</summary>
    public int Width { get; }

    /// <summary>The file or folder the images were read from.</summary>
    public string Source { get; }

    /// <summary>Number of images: the rows of <see cref="Pixels"/>.</summary>
    public int Count => Pixels.GetLength(0);

    /// <summary>Pixels per image, <see cref="Height"/> × <see cref="Width"/>: the columns of <see cref="Pixels"/>.</summary>
    public int PixelCount => Height * Width;
}
