namespace Gatsbi.Benchmarks.Camera;

/// <summary>
/// A separable Gaussian blur of height × width images with SciPy's <c>ndimage.gaussian_filter</c> semantics,
/// the point-spread function of the GATSBI camera model: a 1-D kernel truncated at radius
/// ⌊truncate·σ + 0.5⌋ (12 for σ = 3, truncate = 4: 25 taps), weights ∝ exp(−k²/(2σ²)) normalised to sum 1,
/// applied along axis 0 (down the columns) and then along axis 1 (along the rows), in float64. The boundary
/// mode is "reflect", half-sample symmetric (… b a | a b c … | … c b a …): index −1 reads 0, −2 reads 1,
/// n reads n − 1. Reflection repeats with period 2n, so a kernel wider than the image is handled too.
/// The sums follow SciPy's order for symmetric kernels (centre tap, then the pairs from the outside in), so
/// results match it to rounding. Instances are immutable and safe to share between threads.
/// </summary>
public sealed class GaussianBlur
{
    private readonly double[] _halfWeights; // w₀, w₁, …, w_r
    private readonly int[] _rowIndex;       // reflected index for positions −r … height − 1 + r
    private readonly int[] _columnIndex;    // the same along a row

    /// <summary>The blur of <paramref name="height"/> × <paramref name="width"/> images; the kernel and reflected indices are computed once here.</summary>
    /// <param name="height">Image rows.</param>
    /// <param name="width">Image columns.</param>
    /// <param name="sigma">Standard deviation of the kernel in pixels; 3 as in the camera model.</param>
    /// <param name="truncate">Kernel radius in standard deviations before rounding, as SciPy's <c>truncate</c>; 4 by default, as SciPy's.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, <paramref name="sigma"/> is not positive and finite, or <paramref name="truncate"/> is negative or not finite.</exception>
    public GaussianBlur(int height, int width, double sigma = 3.0, double truncate = 4.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (!(sigma > 0 && double.IsFinite(sigma))) throw new ArgumentOutOfRangeException(nameof(sigma), $"The blur σ must be positive and finite; got {sigma}.");
        if (!(truncate >= 0 && double.IsFinite(truncate))) throw new ArgumentOutOfRangeException(nameof(truncate), $"truncate must be non-negative and finite; got {truncate}.");
        Height = height;
        Width = width;
        Sigma = sigma;
        Radius = (int)(truncate * sigma + 0.5);
        Weights = Kernel(sigma, Radius);
        _halfWeights = Weights[Radius..];
        _rowIndex = ReflectedIndices(height, Radius);
        _columnIndex = ReflectedIndices(width, Radius);
    }

    /// <summary>Image rows.</summary>
    public int Height { get; }

    /// <summary>Image columns.</summary>
    public int Width { get; }

    /// <summary>Standard deviation of the kernel in pixels.</summary>
    public double Sigma { get; }

    /// <summary>Kernel radius r = ⌊truncate·σ + 0.5⌋; the kernel has 2r + 1 taps.</summary>
    public int Radius { get; }

    /// <summary>The 2r + 1 weights for offsets −r … r, summing to 1.</summary>
    public double[] Weights { get; }

    /// <summary>SciPy's <c>_gaussian_kernel1d</c> (order 0): exp(−0.5/σ² · k²), divided by the sum.</summary>
    public static double[] Kernel(double sigma, int radius)
    {
        double factor = -0.5 / (sigma * sigma);
        var w = new double[2 * radius + 1];
        double sum = 0;
        for (int k = -radius; k <= radius; k++) sum += w[k + radius] = Math.Exp(factor * k * k);
        for (int i = 0; i < w.Length; i++) w[i] /= sum;
        return w;
    }

    /// <summary>SciPy's "reflect" mode: position i of a line of n values reads index Reflect(i, n).</summary>
    public static int Reflect(int i, int n)
    {
        int period = 2 * n;
        int m = ((i % period) + period) % period;
        return m < n ? m : period - 1 - m;
    }

    private static int[] ReflectedIndices(int n, int radius)
    {
        var index = new int[n + 2 * radius];
        for (int i = 0; i < index.Length; i++) index[i] = Reflect(i - radius, n);
        return index;
    }

    /// <summary>
    /// Blurs <paramref name="image"/> (height·width values, row-major) into <paramref name="output"/>;
    /// <paramref name="scratch"/> (height·width values) holds the pass along axis 0. The three must not overlap.
    /// </summary>
    public void Apply(ReadOnlySpan<double> image, Span<double> output, Span<double> scratch)
    {
        int n = Height * Width;
        if (image.Length != n || output.Length != n || scratch.Length != n)
            throw new ArgumentException($"The blur is set up for {Height}×{Width} = {n} pixels; got image {image.Length}, output {output.Length}, scratch {scratch.Length}.");
        int r = Radius, w = Width;
        var half = _halfWeights;
        // Axis 0: each output pixel mixes the pixels above and below it in its column.
        for (int row = 0; row < Height; row++)
        {
            for (int col = 0; col < w; col++)
            {
                double sum = image[row * w + col] * half[0];
                for (int k = r; k >= 1; k--)
                    sum += (image[_rowIndex[row + r - k] * w + col] + image[_rowIndex[row + r + k] * w + col]) * half[k];
                scratch[row * w + col] = sum;
            }
        }
        // Axis 1: along each row of the first pass.
        for (int row = 0; row < Height; row++)
        {
            var line = scratch.Slice(row * w, w);
            for (int col = 0; col < w; col++)
            {
                double sum = line[col] * half[0];
                for (int k = r; k >= 1; k--)
                    sum += (line[_columnIndex[col + r - k]] + line[_columnIndex[col + r + k]]) * half[k];
                output[row * w + col] = sum;
            }
        }
    }
}
