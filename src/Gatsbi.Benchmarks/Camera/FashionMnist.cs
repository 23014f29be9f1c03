using Gatsbi.Distributions;

namespace Gatsbi.Benchmarks.Camera;

/// <summary>
/// Where the default image prior of the camera task lives: Fashion-MNIST (28×28 greyscale, 60,000 training
/// and 10,000 test images) as the Debian package <c>dataset-fashion-mnist</c> installs it. The paper used
/// EMNIST "bymerge", which Debian does not package; like the original, nothing is downloaded. Any other IDX
/// file or folder of images can be given instead (see <see cref="ImagePrior.FromPath"/>).
/// </summary>
public static class FashionMnist
{
    /// <summary>The folder the Debian package installs into.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The 60,000 training images, the default camera prior.</summary>
    public const string TrainImages = DefaultDirectory + "/train-images-idx3-ubyte.gz";

    /// <summary>The 10,000 test images.</summary>
    public const string TestImages = DefaultDirectory + "/t10k-images-idx3-ubyte.gz";

    /// <summary>
    /// The image prior from <paramref name="path"/> (an IDX file or a folder of images; default: the
    /// Fashion-MNIST training images), drawing without replacement. A missing default tells the user how to
    /// get it.
    /// </summary>
    /// <param name="path">An IDX file (plain or .gz) or a folder of equally sized images; null for <see cref="TrainImages"/>.</param>
    /// <param name="maxImages">Use at most this many images of the set; null for all.</param>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>; the message says how to install the default.</exception>
    public static ImagePrior Prior(string? path = null, int? maxImages = null)
    {
        path ??= TrainImages;
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException(MissingMessage(path), path);
        return ImagePrior.FromPath(path, maxImages);
    }

    /// <summary>What to do when the image prior at <paramref name="path"/> is missing.</summary>
    public static string MissingMessage(string path) =>
        $"The camera prior's images were not found at {path}. Install the Debian package dataset-fashion-mnist " +
        $"(apt-get install dataset-fashion-mnist, which puts the images into {DefaultDirectory}), or pass another IDX file " +
        "(plain or .gz) or a folder of equally sized images.";
}
