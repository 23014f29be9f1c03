using Gatsbi.Benchmarks.ShallowWater;
using Gatsbi.Randomness;

namespace Gatsbi.Tests.ShallowWater;

public sealed class ShallowWaterSpectrumTests
{
    private const int Rows = 101, Columns = 100;

    /// <summary>
    /// Against the definition F[k, l] = Σₜ Σⱼ Z[t, j] e^{−2πi (k t/101 + l j/100)} summed directly in float64, on
    /// a random input, for every k in several spatial frequencies (including l = 51 and 99, which come from the
    /// conjugate mirror) and every l in several temporal ones. Both are float64 sums of 10,100 terms of size ≤ 1,
    /// so they agree to ~1e-12 of the magnitude; 1e-9 still catches any wrong twiddle or mirror index.
    /// </summary>
    [Fact]
    public void Spectrum_matches_a_direct_double_precision_DFT()
    {
        var rng = new Rng(41);
        var z = new double[Rows * Columns];
        for (int i = 0; i < z.Length; i++) z[i] = rng.Uniform(-1, 1);
        var re = new double[z.Length];
        var im = new double[z.Length];
        new Spectrum2D(Rows, Columns).Forward(z, re, im);

        var entries = new List<(int K, int L)>();
        foreach (int l in new[] { 0, 1, 37, 50, 51, 99 }) for (int k = 0; k < Rows; k++) entries.Add((k, l));
        foreach (int k in new[] { 0, 1, 50, 51, 100 }) for (int l = 0; l < Columns; l++) entries.Add((k, l));
        double maxError = 0, maxMagnitude = 0;
        foreach (var (k, l) in entries)
        {
            double sr = 0, si = 0;
            for (int t = 0; t < Rows; t++)
                for (int j = 0; j < Columns; j++)
                {
                    // Reduce the phase modulo one period first so the angle is accurate.
                    double phase = (k * t % Rows) / (double)Rows + (l * j % Columns) / (double)Columns;
                    var (s, c) = Math.SinCos(-2 * Math.PI * phase);
                    sr += z[t * Columns + j] * c;
                    si += z[t * Columns + j] * s;
                }
            maxError = Math.Max(maxError, Math.Max(Math.Abs(sr - re[k * Columns + l]), Math.Abs(si - im[k * Columns + l])));
            maxMagnitude = Math.Max(maxMagnitude, Math.Sqrt(sr * sr + si * si));
        }
        Assert.True(maxError < 1e-9 * maxMagnitude, $"max error {maxError:E3} at magnitude {maxMagnitude:F2}");
    }

    /// <summary>
    /// numpy's sign and scaling: sin(2π(2t/101 + 3j/100)) = (e^{iφ} − e^{−iφ})/2i puts −i·N/2 (N = 10,100, no 1/N
    /// factor) at (k, l) = (2, 3) and +i·N/2 at its mirror (99, 97), and nothing elsewhere. A positive-exponent
    /// or normalised transform fails this.
    /// </summary>
    [Fact]
    public void Spectrum_uses_numpys_negative_exponent_and_no_scaling()
    {
        var z = new double[Rows * Columns];
        for (int t = 0; t < Rows; t++)
            for (int j = 0; j < Columns; j++)
                z[t * Columns + j] = Math.Sin(2 * Math.PI * ((2 * t % Rows) / (double)Rows + (3 * j % Columns) / (double)Columns));
        var re = new double[z.Length];
        var im = new double[z.Length];
        new Spectrum2D(Rows, Columns).Forward(z, re, im);
        for (int k = 0; k < Rows; k++)
            for (int l = 0; l < Columns; l++)
            {
                double expected = (k, l) == (2, 3) ? -5050 : (k, l) == (99, 97) ? 5050 : 0;
                Assert.True(Math.Abs(re[k * Columns + l]) < 1e-8 && Math.Abs(im[k * Columns + l] - expected) < 1e-8,
                    $"F[{k},{l}] = {re[k * Columns + l]} + {im[k * Columns + l]}i, expected {expected}i");
            }
    }

    /// <summary>
    /// Other shapes, every entry against the direct 2-D DFT: even and odd row counts (two real rows per row FFT,
    /// plus a lone last row when odd), even and odd column counts (the conjugate mirror), and smooth and
    /// non-smooth (Bluestein) lengths on both axes.
    /// </summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 7)]
    [InlineData(7, 1)]
    [InlineData(4, 6)]
    [InlineData(7, 9)]
    [InlineData(12, 11)]
    public void Other_shapes_match_a_direct_DFT(int rows, int columns)
    {
        var rng = new Rng(5);
        var z = new double[rows * columns];
        for (int i = 0; i < z.Length; i++) z[i] = rng.Uniform(-1, 1);
        var re = new double[z.Length];
        var im = new double[z.Length];
        new Spectrum2D(rows, columns).Forward(z, re, im);
        for (int k = 0; k < rows; k++)
            for (int l = 0; l < columns; l++)
            {
                double sr = 0, si = 0;
                for (int t = 0; t < rows; t++)
                    for (int j = 0; j < columns; j++)
                    {
                        double phase = (k * t % rows) / (double)rows + (l * j % columns) / (double)columns;
                        var (s, c) = Math.SinCos(-2 * Math.PI * phase);
                        sr += z[t * columns + j] * c;
                        si += z[t * columns + j] * s;
                    }
                Assert.True(Math.Abs(re[k * columns + l] - sr) < 1e-12 * z.Length && Math.Abs(im[k * columns + l] - si) < 1e-12 * z.Length,
                    $"{rows}×{columns}: F[{k},{l}] = {re[k * columns + l]} + {im[k * columns + l]}i, direct {sr} + {si}i");
            }
    }

    /// <summary>A second transform with the same instance is bitwise identical and allocates nothing.</summary>
    [Fact]
    public void Repeated_transforms_are_bitwise_identical_and_allocate_nothing()
    {
        var rng = new Rng(8);
        var z = new double[Rows * Columns];
        for (int i = 0; i < z.Length; i++) z[i] = rng.Uniform(-1, 1);
        var spectrum = new Spectrum2D(Rows, Columns);
        var re1 = new double[z.Length];
        var im1 = new double[z.Length];
        var re2 = new double[z.Length];
        var im2 = new double[z.Length];
        spectrum.Forward(z, re1, im1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        spectrum.Forward(z, re2, im2);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(re1, re2);
        Assert.Equal(im1, im2);
        var re3 = new double[z.Length];
        var im3 = new double[z.Length];
        new Spectrum2D(Rows, Columns).Forward(z, re3, im3);
        Assert.Equal(re1, re3);
        Assert.Equal(im1, im3);
    }
}
