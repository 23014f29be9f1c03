using Gatsbi.Benchmarks.Camera;
using Gatsbi.Distributions;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Nn;
using Gatsbi.Nn.Convolutional;
using Gatsbi.Simulation;
using Gatsbi.Storage;

namespace Gatsbi.Benchmarks.Applications;

/// <summary>
/// The noisy camera model (GATSBI paper, Ramesh et al. 2022, Section 4.3 and its appendix; gatsbi/task_utils/camera_model/
/// of github.com/mackelab/gatsbi): θ is a 28 × 28 greyscale image known only through samples, x
/// the same image after Poisson photon noise and a Gaussian blur of σ = 3 pixels. The prior is a set of images
/// (default: Fashion-MNIST's 60,000 training images, drawn without replacement); held-out test images come
/// from a separate set (default: its 10,000 test images), so that no test image was seen in training.
/// </summary>
public sealed class CameraModel : ApplicationModel
{
    /// <summary>The application's name, "camera".</summary>
    public const string TaskName = "camera";

    /// <summary>The camera model with images drawn from <paramref name="prior"/>.</summary>
    /// <param name="prior">Training images, drawn without replacement; they must be 28 × 28, the U-Net's size.</param>
    /// <param name="testPrior">Images for held-out test cases; null to draw them from <paramref name="prior"/> too.</param>
    /// <exception cref="ArgumentException">The prior or test images are not 28 × 28.</exception>
    public CameraModel(ImagePrior prior, ImagePrior? testPrior = null)
    {
        foreach (var (set, role) in new[] { (prior, "prior"), (testPrior ?? prior, "test") })
            if (set.Height != UNetNetworks.ImageSize || set.Width != UNetNetworks.ImageSize)
                throw new ArgumentException($"The camera model's U-Net works on {UNetNetworks.ImageSize}×{UNetNetworks.ImageSize} images; the {role} images of {set.Images.Source} are {set.Height}×{set.Width}.");
        Images = prior;
        TestImages = testPrior ?? prior;
        Simulator = new CameraSimulator(prior.Height, prior.Width);
    }

    /// <summary>The default: Fashion-MNIST training images as the prior, its test images for held-out cases.</summary>
    /// <exception cref="FileNotFoundException">Fashion-MNIST is not installed in <see cref="FashionMnist.DefaultDirectory"/>.</exception>
    public static CameraModel FashionMnistDefault() => new(FashionMnist.Prior(), FashionMnist.Prior(FashionMnist.TestImages));

    /// <summary>The training images, the prior.</summary>
    public ImagePrior Images { get; }

    /// <summary>The images held-out test cases are drawn from; the same set as <see cref="Images"/> unless a test set was given.</summary>
    public ImagePrior TestImages { get; }

    /// <inheritdoc/>
    public override string Name => TaskName;

    /// <inheritdoc/>
    public override string Description => $"a {Images.Height}×{Images.Width} image from its Poisson-noisy, blurred (σ = 3 px) observation; prior: {Images.Count:N0} images of {Images.Images.Source}";
    /// <summary><see cref="Images"/>: θ is one image, 784 pixel values in [0, 1], row-major.</summary>
    public override IPrior Prior => Images;

    /// <summary><see cref="TestImages"/>.</summary>
    public override IPrior TestPrior => TestImages;

    /// <summary>A <see cref="CameraSimulator"/>: Poisson noise, then a Gaussian blur of σ = 3 px; 784 pixels to 784 values in [0, 1].</summary>
    public override ISimulator Simulator { get; }

    /// <summary><c>theta_1</c>…<c>theta_784</c>, row-major pixels.</summary>
    public override string[] ParameterNames => Pixels("theta");

    /// <summary><c>x_1</c>…<c>x_784</c>, row-major pixels.</summary>
    public override string[] DataNames => Pixels("x");

    /// <summary>Limited by the training time on a CPU, not by the set: 20,000 images cover each pixel pattern many times.</summary>
    public override int DefaultSimulations => Math.Min(20_000, Images.Count);

    /// <summary>Every simulation uses a different image of the set.</summary>
    public override int? MaxSimulations => Images.Count;

    private string[] Pixels(string prefix) => CsvMatrix.DefaultNames(prefix, Images.Height * Images.Width);

    /// <summary>
    /// As published (tasks/camera_model/defaults.yaml of github.com/mackelab/gatsbi): the U-Net and the 437-weight discriminator, cross-entropy, one D and one G step per
    /// epoch, Adam 2e-4 with betas (0.5, 0.99), gradient norms clipped at 0.01, batch min(1000, 1 % of the budget),
    /// hold-out 100, 20,000 epochs.
    /// </summary>
    public override GatsbiOptions Paper() => GatsbiOptions.Paper() with
    {
        Convolutional = new UNetNetworks(),
        Loss = GatsbiLossKind.CrossEntropy,
        DiscriminatorSteps = 1,
        GeneratorSteps = 1,
        GeneratorLearningRate = 2e-4,
        DiscriminatorLearningRate = 2e-4,
        GeneratorBetas = (0.5, 0.99),
        DiscriminatorBetas = (0.5, 0.99),
        GeneratorMaxGradNorm = 0.01,
        DiscriminatorMaxGradNorm = 0.01,
        BatchSizeFraction = 0.01,
        MaxBatchSize = 1000,
        HoldOut = 100,
        MaxEpochs = 20_000,
        LogEvery = 100,
    };

    /// <summary>
    /// The same networks on a CPU budget (docs/applications.md has the trials behind each choice): batches of 100,
    /// 10,000 epochs and the shared CPU optimisation (<see cref="ApplicationModel.WithCpuOptimisation"/>), whose
    /// energy score matters most here. With the 437-weight discriminator alone the generator collapses to nearly one image per
    /// observation (in a 3,000-epoch trial: posterior std 0.02, error of the posterior mean 0.089, worse than the
    /// blurred observation's 0.035); with the energy score the same trial gave std 0.08 and error 0.013.
    /// </summary>
    public override GatsbiOptions Fast() => WithCpuOptimisation(Paper()) with
    {
        BatchSizeFraction = 1,
        MaxBatchSize = 100,
        MaxEpochs = 10_000,
    };
}
