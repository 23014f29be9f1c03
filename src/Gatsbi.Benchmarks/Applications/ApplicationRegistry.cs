namespace Gatsbi.Benchmarks.Applications;

/// <summary>The paper's high-dimensional applications by name.</summary>
public static class ApplicationRegistry
{
    /// <summary>The application names: "shallow_water" and "camera".</summary>
    public static readonly string[] Names = [ShallowWaterModel.TaskName, CameraModel.TaskName];

    /// <summary>True when <paramref name="name"/> (in any case) is one of <see cref="Names"/>.</summary>
    public static bool Contains(string name) => Names.Contains(name.ToLowerInvariant());

    /// <summary>
    /// The application <paramref name="name"/> set up for <paramref name="preset"/>; for the camera model,
    /// <paramref name="priorImages"/> (an IDX file or a folder of images) replaces the default Fashion-MNIST
    /// prior, and then also provides the test images.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown <paramref name="name"/>, or <paramref name="priorImages"/> given for the shallow water model.</exception>
    /// <exception cref="FileNotFoundException">The camera's image prior is not found (by default, the Fashion-MNIST package is not installed).</exception>
    public static ApplicationModel Create(string name, string preset, string? priorImages = null)
    {
        switch (name.ToLowerInvariant())
        {
            case ShallowWaterModel.TaskName:
                if (priorImages is not null) throw new ArgumentException("--prior sets the camera model's image prior; the shallow water model has its own Gaussian-process prior.");
                return ShallowWaterModel.For(preset);
            case CameraModel.TaskName:
                return priorImages is null
                    ? CameraModel.FashionMnistDefault()
                    : new CameraModel(Camera.FashionMnist.Prior(priorImages));
            default:
                throw new ArgumentException($"Unknown application '{name}'; expected one of: {string.Join(", ", Names)}.");
        }
    }
}
