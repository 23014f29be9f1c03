using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Benchmarks.Camera;

/// <summary>
/// The noisy camera model of the GATSBI paper: θ is a clean greyscale image, x what a camera records of it.
/// Each image goes independently through (1) shot noise, <see cref="PoissonImageNoise"/>, and (2) the lens'
/// point-spread function, a <see cref="GaussianBlur"/> with σ = 3 px by default, computed in float64 and
/// stored as float32. θ and x are height·width pixels, row-major; x lies in [0, 1].
/// A θ pixel outside [0, 1] (or NaN) is not a failed simulation but a caller error (θ is not an image of
/// the prior), so it throws a <see cref="SimulationFailedException"/> naming the row and θ instead of
/// writing a NaN row that would be dropped silently. Thread-safe: the simulator holds no mutable state, and
/// each call allocates its own scratch buffers once per batch.
/// </summary>
public sealed class CameraSimulator : ISimulator
{
    /// <summary>The camera for <paramref name="height"/> × <paramref name="width"/> images.</summary>
    /// <param name="height">Image rows; 28 by default, the paper's EMNIST size.</param>
    /// <param name="width">Image columns; 28 by default.</param>
    /// <param name="blurSigma">Standard deviation of the Gaussian point-spread function in pixels; 3 as in the paper.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or <paramref name="blurSigma"/> is not positive and finite.</exception>
    public CameraSimulator(int height = 28, int width = 28, double blurSigma = 3.0)
    {
        Blur = new GaussianBlur(height, width, blurSigma);
    }

    /// <summary>Image rows.</summary>
    public int Height => Blur.Height;

    /// <summary>Image columns.</summary>
    public int Width => Blur.Width;

    /// <summary>Standard deviation of the blur in pixels.</summary>
    public double BlurSigma => Blur.Sigma;

    /// <summary>The point-spread function (truncate 4, "reflect" boundary).</summary>
    public GaussianBlur Blur { get; }

    /// <summary>Height × width: one θ value per pixel, row-major.</summary>
    public int ParameterDimension => Height * Width;

    /// <summary>Height × width: one x value per pixel, row-major, in [0, 1].</summary>
    public int DataDimension => Height * Width;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="theta"/> or <paramref name="x"/> has the wrong number of columns, or their row counts differ.</exception>
    /// <exception cref="SimulationFailedException">A θ pixel is outside [0, 1] or NaN.</exception>
    public void Simulate(float[,] theta, float[,] x, Rng rng)
    {
        int n = ParameterDimension;
        if (theta.GetLength(1) != n || x.GetLength(1) != n || x.GetLength(0) != theta.GetLength(0))
            throw new ArgumentException(
                $"The camera simulator for {Height}×{Width} images needs θ and x of {n} columns and equal rows; got θ {theta.GetLength(0)}×{theta.GetLength(1)}, x {x.GetLength(0)}×{x.GetLength(1)}.");
        var noisy = new double[n];
        var scratch = new double[n];
        var blurred = new double[n];
        for (int i = 0; i < theta.GetLength(0); i++)
        {
            var image = theta.Row(i);
            int bad = PoissonImageNoise.FirstPixelOutsideUnitInterval(image);
            if (bad >= 0)
                throw new SimulationFailedException(i, image.ToArray(),
                    $"pixel {bad} (row {bad / Width}, column {bad % Width}) of the image is {image[bad]}; the camera model needs pixels in [0, 1].");
            PoissonImageNoise.Apply(image, noisy, rng);
            Blur.Apply(noisy, blurred, scratch);
            var row = x.Row(i);
            for (int p = 0; p < n; p++) row[p] = (float)blurred[p];
        }
    }
}
