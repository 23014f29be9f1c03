using Gatsbi.Diagnostics;
using Gatsbi.Randomness;

namespace Gatsbi.Tests.Diagnostics;

public sealed class UniformityStatisticsTests
{
    [Theory]
    // χ²₂ has the closed-form tail exp(−x/2); the others are tables' 5% and 1% critical values.
    [InlineData(3.0, 2, 0.22313016014842982)]
    [InlineData(30.1435, 19, 0.05)]
    [InlineData(36.1909, 19, 0.01)]
    [InlineData(3.8415, 1, 0.05)]
    [InlineData(0.0, 5, 1.0)]
    public void Chi_square_tail_matches_known_values(double x, int df, double expected) =>
        Assert.Equal(expected, UniformityStatistics.ChiSquareUpperTail(x, df), 4);

    [Fact]
    public void Binomial_tails_sum_to_one_with_the_point_mass()
    {
        var (lower, upper) = UniformityStatistics.BinomialTails(50, 0.3);
        for (int c = 1; c <= 50; c++) Assert.Equal(1.0, lower[c - 1] + upper[c], 12);
        Assert.Equal(1.0, lower[50], 12);
        // P(X = 0) = 0.7⁵⁰.
        Assert.Equal(1.0, lower[0] / Math.Pow(0.7, 50), 10);
    }

    [Fact]
    public void Binomial_interval_holds_the_requested_mass()
    {
        var (low, high) = UniformityStatistics.BinomialInterval(1000, 0.05, 0.99);
        var cdf = UniformityStatistics.BinomialCdf(1000, 0.05);
        Assert.True(cdf[high] - (low > 0 ? cdf[low - 1] : 0) >= 0.99);
        // Mean 50, standard deviation 6.9: the 99% interval is about ±2.6 of them.
        Assert.InRange(low, 31, 34);
        Assert.InRange(high, 67, 70);
    }

    [Fact]
    public void Ecdf_band_holds_99_percent_of_uniform_samples()
    {
        const int Draws = 200, Trials = 4_000;
        var band = EcdfBand.Compute(Draws);
        var rng = new Rng(Seeds.Derive(5, 99));
        int inside = 0;
        for (int t = 0; t < Trials; t++)
            if (band.Contains(Enumerable.Range(0, Draws).Select(_ => rng.NextDouble()).ToArray())) inside++;
        double coverage = inside / (double)Trials;
        // Fresh samples: binomial error ±0.0016 (1σ) on top of the band's own Monte Carlo error (±0.001);
        // discreteness of the counts can only push coverage above 99%, not below.
        Assert.InRange(coverage, 0.985, 0.997);
        Assert.True(band.PointwiseLevel < 0.01, "a simultaneous band must be wider than each pointwise 99% interval");
    }

    [Fact]
    public void Ecdf_band_is_the_same_for_the_same_draw_count()
    {
        var a = EcdfBand.Compute(300);
        var b = EcdfBand.Compute(300);
        Assert.Equal(a.Lower, b.Lower);
        Assert.Equal(a.Upper, b.Upper);
        Assert.All(a.Lower.Zip(a.Upper), p => Assert.True(p.First < 0 && p.Second > 0));
    }
}
