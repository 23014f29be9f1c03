using Gatsbi.Randomness;

namespace Gatsbi.Tests.Core;

public sealed class RandomVariatesTests
{
    private const int Draws = 200_000;

    /// <summary>
    /// (n, p) pairs covering both samplers. Binomial samples the rarer outcome, q = min(p, 1 − p), by inversion
    /// when n·q &lt; 10 and by BTRS otherwise: (1000, 1e-6) is sir's day-0 case; (7, 0.95) and (1000, 0.9) go
    /// through the flip to q = 1 − p; (25, 0.4) sits exactly on the BTRS threshold n·q = 10.
    /// </summary>
    public static TheoryData<int, double> Cases => new()
    {
        { 20, 0.3 }, { 1000, 0.005 }, { 7, 0.95 }, { 1000, 1e-6 },
        { 25, 0.4 }, { 40, 0.5 }, { 1000, 0.3 }, { 1000, 0.9 },
    };

    private static int[] Sample(int n, double p, ulong seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, Draws).Select(_ => rng.Binomial(n, p)).ToArray();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Binomial_mean_and_variance_match_within_five_standard_errors(int n, double p)
    {
        var k = Sample(n, p, seed: 11).Select(v => (double)v).ToArray();
        Assert.All(k, v => Assert.InRange(v, 0, n));
        double q = 1 - p, variance = n * p * q;
        // Fourth central moment of the binomial: npq(1 + 3(n − 2)pq), so SE(sample variance) = √((μ4 − σ⁴)/N).
        double fourth = n * p * q * (1 + 3 * (n - 2) * p * q);
        double seMean = Math.Sqrt(variance / Draws), seVariance = Math.Sqrt((fourth - variance * variance) / Draws);
        Assert.InRange(Stats.Mean(k), n * p - 5 * seMean, n * p + 5 * seMean);
        Assert.InRange(Stats.Variance(k), variance - 5 * seVariance, variance + 5 * seVariance);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Binomial_frequencies_pass_a_chi_square_test_against_the_exact_pmf(int n, double p)
    {
        var pmf = BinomialPmf(n, p);
        var counts = new int[n + 1];
        foreach (int k in Sample(n, p, seed: 12)) counts[k]++;
        // Pool neighbouring values into cells with at least 5 expected draws, the usual condition for the χ²
        // approximation; a short last cell joins the one before.
        var observed = new List<int>();
        var expected = new List<double>();
        int cellCount = 0;
        double cellExpected = 0;
        for (int k = 0; k <= n; k++)
        {
            cellCount += counts[k];
            cellExpected += Draws * pmf[k];
            if (cellExpected >= 5)
            {
                observed.Add(cellCount);
                expected.Add(cellExpected);
                cellCount = 0;
                cellExpected = 0;
            }
        }
        observed[^1] += cellCount;
        expected[^1] += cellExpected;
        double chi = 0;
        for (int c = 0; c < observed.Count; c++) chi += (observed[c] - expected[c]) * (observed[c] - expected[c]) / expected[c];
        // The 99.9% point of χ² with cells − 1 degrees of freedom: a correct sampler passes a given seed with
        // probability 0.999, while with 200,000 draws an error of 5% in the probability of a value holding 10% of
        // the mass adds about 50 to the statistic and fails.
        int df = observed.Count - 1;
        Assert.True(df >= 1, $"only {observed.Count} cell(s)");
        Assert.True(chi < ChiSquareQuantile999(df), $"χ² = {chi:F1} with {df} degrees of freedom (limit {ChiSquareQuantile999(df):F1})");
    }

    /// <summary>Exact Binomial(n, p) pmf by the ratio recursion outward from the mode, then normalised (no underflow at the mode, no log-gamma).</summary>
    private static double[] BinomialPmf(int n, double p)
    {
        var pmf = new double[n + 1];
        int mode = (int)Math.Floor((n + 1) * p);
        mode = Math.Min(mode, n);
        double odds = p / (1 - p);
        pmf[mode] = 1;
        for (int k = mode; k < n; k++) pmf[k + 1] = pmf[k] * (n - k) / (k + 1) * odds;
        for (int k = mode; k > 0; k--) pmf[k - 1] = pmf[k] * k / (n - k + 1) / odds;
        double total = pmf.Sum();
        for (int k = 0; k <= n; k++) pmf[k] /= total;
        return pmf;
    }

    /// <summary>Wilson–Hilferty approximation of the 99.9% χ² quantile (z = 3.0902); it overstates the exact value by at most 3% (df = 1: 11.16 against 10.83).</summary>
    private static double ChiSquareQuantile999(int df)
    {
        double a = 2.0 / (9 * df);
        return df * Math.Pow(1 - a + 3.0902 * Math.Sqrt(a), 3);
    }

    [Fact]
    public void Binomial_degenerate_cases_are_exact()
    {
        var rng = new Rng(13);
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(0, rng.Binomial(1000, 0));
            Assert.Equal(1000, rng.Binomial(1000, 1));
            Assert.Equal(0, rng.Binomial(0, 0.3));
            Assert.Equal(0, rng.Binomial(0, 1));
        }
    }

    [Fact]
    public void Binomial_rejects_invalid_arguments()
    {
        var rng = new Rng(14);
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.Binomial(-1, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.Binomial(10, -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.Binomial(10, 1.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.Binomial(10, double.NaN));
    }

    [Fact]
    public void Exponential_has_mean_and_variance_1()
    {
        var rng = new Rng(15);
        var x = Enumerable.Range(0, Draws).Select(_ => rng.Exponential()).ToArray();
        Assert.All(x, v => Assert.True(v >= 0 && double.IsFinite(v)));
        // Exp(1): SE(mean) = 1/√N; μ4 = 9, so SE(sample variance) = √(8/N). 5 SE bounds.
        Assert.InRange(Stats.Mean(x), 1 - 5 / Math.Sqrt(Draws), 1 + 5 / Math.Sqrt(Draws));
        Assert.InRange(Stats.Variance(x), 1 - 5 * Math.Sqrt(8.0 / Draws), 1 + 5 * Math.Sqrt(8.0 / Draws));
    }

    private static double LogFactorial(int n)
    {
        double sum = 0;
        for (int k = 2; k <= n; k++) sum += Math.Log(k);
        return sum;
    }

    /// <summary>Closed forms (Γ(n) = (n − 1)!, Γ(n + ½) = (2n)!√π / (4ⁿ n!)) and high-precision reference values.</summary>
    public static TheoryData<double, double> LogGammaValues => new()
    {
        { 1, 0 },
        { 1.5, Math.Log(Math.Sqrt(Math.PI) / 2) },
        { 2, 0 },
        { 2.5, Math.Log(3 * Math.Sqrt(Math.PI) / 4) },
        { 3, Math.Log(2) },
        { 7.25, 7.0521854507385395 },
        { 10, Math.Log(362_880) },
        { 10.5, LogFactorial(20) + 0.5 * Math.Log(Math.PI) - 10 * Math.Log(4) - LogFactorial(10) },
        { 33.3, 82.60372358165495 },
        { 100, LogFactorial(99) },
        { 1001, LogFactorial(1000) },
        { 1e6, 12815504.569147611 },
    };

    [Theory]
    [MemberData(nameof(LogGammaValues))]
    public void LogGamma_matches_known_values(double x, double expected)
    {
        // Near x = 1 and 2 log Γ crosses 0, so the bound is absolute there and relative for large values.
        Assert.InRange(RandomVariates.LogGamma(x), expected - 1e-14 * Math.Max(1, Math.Abs(expected)), expected + 1e-14 * Math.Max(1, Math.Abs(expected)));
    }
}
