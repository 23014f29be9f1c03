using Gatsbi.Randomness;
using Gatsbi.Storage;

namespace Gatsbi.Distributions;

/// <summary>
/// An implicit prior over images, known only by a set of example pictures (the GATSBI camera model uses
/// EMNIST; the CLI defaults to Fashion-MNIST): θ is one image, its pixels flat in row-major order. It is an
/// <see cref="EmpiricalPrior"/> over the rows of an <see cref="ImageSet"/> with the support box [0, 1] per
/// pixel, and it keeps the image shape so that simulators and plots can rebuild pictures from θ. Draws are
/// without replacement by default, as in the original GATSBI code (EMNISTPrior in
/// gatsbi/task_utils/camera_model/prior.py, github.com/mackelab/gatsbi): one call returns the first n
/// images of a uniformly shuffled copy of the set, so n may not exceed <see cref="Count"/>.
/// </summary>
public sealed class ImagePrior : IPrior
{
    private readonly EmpiricalPrior _empirical;

    /// <summary>A prior over the images of <paramref name="images"/>, with support [0, 1] per pixel.</summary>
    /// <param name="images">The example images; their pixel matrix is used as it is, not copied.</param>
    /// <param name="replacement">Whether one call may return an image more than once; false (the original GATSBI code's choice) by default.</param>
    /// <exception cref="ArgumentException">The set holds no images, or a pixel is not finite.</exception>
    public ImagePrior(ImageSet images, bool replacement = false)
    {
        Images = images;
        _empirical = new EmpiricalPrior(images.Pixels, Support.Box(images.PixelCount, 0f, 1f), replacement);
    }

    /// <summary>The images drawn from, with their shape and source.</summary>
    public ImageSet Images { get; }

    /// <summary>Image height in pixels (rows of the picture).</summary>
    public int Height => Images.Height;

    /// <summary>Image width in pixels (columns of the picture).</summary>
    public int Width => Images.Width;

    /// <summary>Number of images in the set.</summary>
    public int Count => Images.Count;

    /// <summary>Whether one call may return the same image more than once.</summary>
    public bool Replacement => _empirical.Replacement;

    /// <summary>Pixels per image, <see cref="Height"/> × <see cref="Width"/>: one parameter per pixel.</summary>
    public int Dimension => _empirical.Dimension;

    /// <summary>[0, 1] for every pixel.</summary>
    public Support? Support => _empirical.Support;

    /// <summary>Draws <paramref name="count"/> images as rows of count × <see cref="Dimension"/> pixels.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative, or exceeds <see cref="Count"/> without replacement.</exception>
    public float[,] Sample(int count, Rng rng) => _empirical.Sample(count, rng);

    /// <summary>The images of an IDX file (plain or .gz), at most the first <paramref name="maxImages"/>.</summary>
    public static ImagePrior FromIdx(string path, int? maxImages = null, bool replacement = false) =>
        new(IdxFile.ReadImages(path, maxImages), replacement);

    /// <summary>The images of a folder (see <see cref="ImageFolder"/>), at most the first <paramref name="maxImages"/> by name.</summary>
    public static ImagePrior FromFolder(string folder, int? maxImages = null, bool replacement = false) =>
        new(ImageFolder.Read(folder, maxImages), replacement);

    /// <summary>A folder of images or an IDX file, whichever <paramref name="path"/> is.</summary>
    public static ImagePrior FromPath(string path, int? maxImages = null, bool replacement = false) =>
        Directory.Exists(path) ? FromFolder(path, maxImages, replacement) : FromIdx(path, maxImages, replacement);
}
