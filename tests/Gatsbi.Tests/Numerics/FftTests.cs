using Gatsbi.Numerics;
using Gatsbi.Randomness;

namespace Gatsbi.Tests.Numerics;

public sealed class FftTests
{
    /// <summary>Smooth lengths (mixed radix 4, 2, 3, 5), primes and other non-smooth lengths (Bluestein).</summary>
    public static TheoryData<int> Lengths => [1, 2, 3, 4, 5, 6, 7, 8, 12, 14, 30, 64, 97, 100, 101, 128, 250];

    /// <summary>X[k] = Σⱼ x[j] e^{−2πi jk/n} summed directly in double, with the phase reduced exactly (jk mod n).</summary>
    private static (double[] Re, double[] Im) DirectDft(double[] xr, double[] xi)
    {
        int n = xr.Length;
        var re = new double[n];
        var im = new double[n];
        for (int k = 0; k < n; k++)
            for (int j = 0; j < n; j++)
            {
                var (s, c) = Math.SinCos(-2 * Math.PI * ((long)j * k % n) / n);
                re[k] += xr[j] * c - xi[j] * s;
                im[k] += xr[j] * s + xi[j] * c;
            }
        return (re, im);
    }

    private static (double[] Re, double[] Im) RandomComplex(int n, ulong seed)
    {
        var rng = new Rng(seed);
        var re = new double[n];
        var im = new double[n];
        for (int i = 0; i < n; i++)
        {
            re[i] = rng.Uniform(-1, 1);
            im[i] = rng.Uniform(-1, 1);
        }
        return (re, im);
    }

    private static double AbsSum(double[] re, double[] im)
    {
        double sum = 0;
        for (int i = 0; i < re.Length; i++) sum += Math.Sqrt(re[i] * re[i] + im[i] * im[i]);
        return sum;
    }

    private static double MaxAbsDifference(double[] ar, double[] ai, double[] br, double[] bi)
    {
        double max = 0;
        for (int i = 0; i < ar.Length; i++) max = Math.Max(max, Math.Sqrt(Math.Pow(ar[i] - br[i], 2) + Math.Pow(ai[i] - bi[i], 2)));
        return max;
    }

    /// <summary>
    /// Against the direct double DFT on random complex input. Each output is bounded by Σ|x|, and both sides are
    /// accurate to a few ulps of it (~1e-15 relative), so 1e-10·Σ|x| is loose but still catches any wrong twiddle,
    /// butterfly sign or index.
    /// </summary>
    [Theory]
    [MemberData(nameof(Lengths))]
    public void Forward_matches_a_direct_DFT(int n)
    {
        var (xr, xi) = RandomComplex(n, (ulong)(1000 + n));
        var (er, ei) = DirectDft(xr, xi);
        var fft = new Fft(n);
        Assert.Equal(n, fft.Length);
        Assert.Equal(!Fft.IsSmooth(n), fft.UsesBluestein);
        var yr = new double[n];
        var yi = new double[n];
        fft.Forward(xr, xi, yr, yi);
        double tolerance = 1e-10 * AbsSum(xr, xi);
        Assert.True(MaxAbsDifference(yr, yi, er, ei) <= tolerance, $"n = {n}: max error {MaxAbsDifference(yr, yi, er, ei):E3} > {tolerance:E3}");

        // The in-place overload gives bitwise the same result, and so does a second transform with the same plan
        // (the scratch buffers carry nothing over).
        var zr = (double[])xr.Clone();
        var zi = (double[])xi.Clone();
        fft.Forward(zr, zi);
        Assert.Equal(yr, zr);
        Assert.Equal(yi, zi);
        // The input spans are left as they were by the out-of-place overload.
        Assert.Equal(RandomComplex(n, (ulong)(1000 + n)).Re, xr);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(100)]
    [InlineData(101)]
    public void Forward_is_linear(int n)
    {
        var (ar, ai) = RandomComplex(n, 1);
        var (br, bi) = RandomComplex(n, 2);
        const double alpha = 1.7, beta = -0.4;
        var fft = new Fft(n);
        var cr = new double[n];
        var ci = new double[n];
        for (int i = 0; i < n; i++)
        {
            cr[i] = alpha * ar[i] + beta * br[i];
            ci[i] = alpha * ai[i] + beta * bi[i];
        }
        fft.Forward(ar, ai);
        fft.Forward(br, bi);
        fft.Forward(cr, ci);
        var er = new double[n];
        var ei = new double[n];
        for (int i = 0; i < n; i++)
        {
            er[i] = alpha * ar[i] + beta * br[i];
            ei[i] = alpha * ai[i] + beta * bi[i];
        }
        Assert.True(MaxAbsDifference(cr, ci, er, ei) <= 1e-12 * n);
    }

    /// <summary>x[j] = e^{2πi f j/n} transforms to n at k = f and zero elsewhere.</summary>
    [Theory]
    [InlineData(8, 3)]
    [InlineData(30, 7)]
    [InlineData(100, 1)]
    [InlineData(100, 37)]
    [InlineData(101, 50)]
    [InlineData(101, 100)]
    [InlineData(250, 125)]
    public void A_single_frequency_gives_a_single_spike(int n, int frequency)
    {
        var re = new double[n];
        var im = new double[n];
        for (int j = 0; j < n; j++)
            (im[j], re[j]) = Math.SinCos(2 * Math.PI * ((long)frequency * j % n) / n);
        new Fft(n).Forward(re, im);
        for (int k = 0; k < n; k++)
        {
            double expected = k == frequency ? n : 0;
            Assert.True(Math.Abs(re[k] - expected) <= 1e-10 * n && Math.Abs(im[k]) <= 1e-10 * n,
                $"n = {n}, f = {frequency}: X[{k}] = {re[k]} + {im[k]}i");
        }
    }

    /// <summary>Σₖ |X[k]|² = n · Σⱼ |x[j]|².</summary>
    [Theory]
    [InlineData(30)]
    [InlineData(97)]
    [InlineData(128)]
    [InlineData(250)]
    public void Parseval_holds(int n)
    {
        var (re, im) = RandomComplex(n, 7);
        double energy = 0;
        for (int i = 0; i < n; i++) energy += re[i] * re[i] + im[i] * im[i];
        new Fft(n).Forward(re, im);
        double spectral = 0;
        for (int i = 0; i < n; i++) spectral += re[i] * re[i] + im[i] * im[i];
        Assert.Equal(n * energy, spectral, 1e-12 * n * energy);
    }

    [Fact]
    public void Smooth_lengths_and_plan_checks()
    {
        Assert.True(Fft.IsSmooth(1));
        Assert.True(Fft.IsSmooth(100));
        Assert.False(Fft.IsSmooth(101));
        Assert.False(Fft.IsSmooth(14));
        Assert.Equal(216, Fft.NextSmooth(201));
        Assert.Equal(216, new Fft(101).InnerLength);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Fft(0));
        Assert.Throws<ArgumentException>(() => new Fft(8).Forward(new double[8], new double[7]));
    }

    [Fact]
    public void A_transform_allocates_nothing()
    {
        foreach (int n in new[] { 100, 101 })
        {
            var (re, im) = RandomComplex(n, 3);
            var fft = new Fft(n);
            fft.Forward(re, im);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++) fft.Forward(re, im);
            Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        }
    }
}
