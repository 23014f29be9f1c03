using Gatsbi.Distributions;
using Gatsbi.Randomness;

namespace Gatsbi.Tests.Core;

public sealed class BoxUniformTests
{
    private static readonly BoxUniform Prior = new([-1f, 0f, 2f], [1f, 0.5f, 10f]);

    [Fact]
    public void Samples_lie_inside_the_bounds_and_fill_them()
    {
        var theta = Prior.Sample(20_000, new Rng(3));
        Assert.Equal(20_000, theta.GetLength(0));
        Assert.Equal(3, theta.GetLength(1));
        for (int j = 0; j < 3; j++)
        {
            var column = Enumerable.Range(0, theta.GetLength(0)).Select(i => (double)theta[i, j]).ToArray();
            Assert.All(column, v => Assert.InRange(v, Prior.Support.Low[j], Prior.Support.High[j]));
            // Mean of U(a, b) is (a + b)/2; SE = (b − a)/√(12 n) ≈ 0.002·(b − a); 5 SE bound.
            double width = Prior.Support.High[j] - Prior.Support.Low[j];
            double mid = (Prior.Support.High[j] + Prior.Support.Low[j]) / 2;
            Assert.InRange(Stats.Mean(column), mid - 5 * width / Math.Sqrt(12.0 * 20_000), mid + 5 * width / Math.Sqrt(12.0 * 20_000));
            // Both ends are reached: the extreme 1% of each side is populated.
            Assert.Contains(column, v => v < Prior.Support.Low[j] + 0.01 * width);
            Assert.Contains(column, v => v > Prior.Support.High[j] - 0.01 * width);
        }
    }

    [Fact]
    public void Sampling_is_reproducible_for_the_same_rng_state()
    {
        Assert.Equal(Prior.Sample(50, new Rng(9)), Prior.Sample(50, new Rng(9)));
        Assert.NotEqual(Prior.Sample(50, new Rng(9)), Prior.Sample(50, new Rng(10)));
    }

    [Fact]
    public void LogDensity_is_minus_the_sum_of_log_widths_inside()
    {
        double expected = -(Math.Log(2) + Math.Log(0.5) + Math.Log(8));
        Assert.Equal(expected, Prior.LogDensity([0f, 0.25f, 5f]), 12);
        Assert.Equal(expected, Prior.LogDensity([-1f, 0f, 2f]), 12);
        Assert.Equal(-2 * Math.Log(2), new BoxUniform(2, -1f, 1f).LogDensity([0.3f, -0.9f]), 12);
    }

    [Theory]
    [InlineData(-1.001f, 0.25f, 5f)]
    [InlineData(0f, 0.51f, 5f)]
    [InlineData(0f, 0.25f, 10.5f)]
    public void LogDensity_is_minus_infinity_outside(float a, float b, float c)
    {
        Assert.Equal(double.NegativeInfinity, Prior.LogDensity([a, b, c]));
    }

    /// <summary>
    /// BUG in src (BoxUniform.LogDensity): a NaN coordinate fails both "below low" and "above high" tests, so
    /// the prior returns its finite in-support density for θ = NaN, while Support.Contains (and PyTorch's
    /// Uniform.log_prob) treat NaN as outside. Expected −∞.
    /// </summary>
    [Fact]
    public void LogDensity_of_NaN_is_minus_infinity()
    {
        Assert.False(Prior.Support.Contains([0f, float.NaN, 5f]));
        Assert.Equal(double.NegativeInfinity, Prior.LogDensity([0f, float.NaN, 5f]));
    }

    [Fact]
    public void LogDensity_rejects_a_wrong_length()
    {
        var e = Assert.Throws<ArgumentException>(() => Prior.LogDensity([0f, 0.1f]));
        Assert.Contains("2 values", e.Message);
        Assert.Contains("dimension 3", e.Message);
    }

    [Fact]
    public void Non_finite_or_inverted_bounds_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new BoxUniform([0f], [float.PositiveInfinity]));
        Assert.Throws<ArgumentException>(() => new BoxUniform([1f], [0f]));
        Assert.Throws<ArgumentException>(() => new BoxUniform([0f, 0f], [1f]));
    }
}

public sealed class SupportTests
{
    [Fact]
    public void Contains_is_strict_at_the_bounds()
    {
        var s = new Support([-1f, 0f], [1f, 2f]);
        Assert.True(s.Contains([0f, 1f]));
        Assert.True(s.Contains([MathF.BitIncrement(-1f), MathF.BitDecrement(2f)]));
        Assert.False(s.Contains([-1f, 1f]));
        Assert.False(s.Contains([0f, 2f]));
        Assert.False(s.Contains([1f, 1f]));
        Assert.False(s.Contains([0f, 0f]));
        Assert.False(s.Contains([float.NaN, 1f]));
        Assert.False(s.Contains([0f, 2.5f]));
    }

    [Fact]
    public void Infinite_bounds_accept_everything_finite()
    {
        var s = new Support([float.NegativeInfinity], [float.PositiveInfinity]);
        Assert.True(s.Contains([1e30f]));
        Assert.True(s.Contains([-1e30f]));
    }

    [Fact]
    public void Invalid_bounds_are_rejected_with_their_index()
    {
        var e = Assert.Throws<ArgumentException>(() => new Support([0f, 1f], [1f, 1f]));
        Assert.Contains("bound 1", e.Message);
        Assert.Throws<ArgumentException>(() => new Support([0f], [1f, 2f]));
    }

    [Fact]
    public void Supports_compare_by_value()
    {
        Assert.Equal(Support.Box(2, -1f, 1f), new Support([-1f, -1f], [1f, 1f]));
        Assert.NotEqual(Support.Box(2, -1f, 1f), Support.Box(2, -1f, 2f));
    }
}

public sealed class EmpiricalPriorTests
{
    private static readonly float[,] Rows = { { 1f, 10f }, { 2f, 20f }, { 3f, 30f } };

    [Fact]
    public void Draws_only_the_given_rows_and_all_of_them()
    {
        var prior = new EmpiricalPrior(Rows);
        var theta = prior.Sample(3000, new Rng(4));
        var counts = new int[3];
        for (int i = 0; i < theta.GetLength(0); i++)
        {
            int k = (int)theta[i, 0] - 1;
            Assert.InRange(k, 0, 2);
            Assert.Equal(Rows[k, 1], theta[i, 1]);
            counts[k]++;
        }
        // Each row is drawn with probability 1/3: binomial SE √(n·p(1−p)) ≈ 26 draws; 5 SE bound.
        Assert.All(counts, c => Assert.InRange(c, 1000 - 130, 1000 + 130));
    }

    [Fact]
    public void Rejects_non_finite_rows_and_names_them()
    {
        var e = Assert.Throws<ArgumentException>(() => new EmpiricalPrior(new float[,] { { 1f, 2f }, { float.NaN, 0f } }));
        Assert.Contains("row 1", e.Message);
        Assert.Throws<ArgumentException>(() => new EmpiricalPrior(new float[,] { { float.PositiveInfinity, 2f } }));
        Assert.Throws<ArgumentException>(() => new EmpiricalPrior(new float[0, 2]));
    }

    [Fact]
    public void Support_must_match_the_dimension()
    {
        Assert.Throws<ArgumentException>(() => new EmpiricalPrior(Rows, Support.Box(3, 0f, 40f)));
        var prior = new EmpiricalPrior(Rows, Support.Box(2, 0f, 40f));
        Assert.Equal(2, prior.Support!.Dimension);
        Assert.Null(new EmpiricalPrior(Rows).Support);
    }
}

public sealed class MultivariateNormalFitTests
{
    /// <summary>
    /// 20,000 draws of a correlated N(μ, Σ): the fitted mean is within 5 standard errors (σ/√n ≈ 0.007σ), and so
    /// is the covariance (the standard error of a sample covariance is about √((Σ₁₁Σ₂₂ + Σ₁₂²)/n)).
    /// </summary>
    [Fact]
    public void Fitting_the_moments_of_normal_draws_recovers_the_normal()
    {
        double[] mean = [1.0, -2.0];
        double[,] covariance = { { 4.0, 1.2 }, { 1.2, 1.0 } };
        var samples = new MultivariateNormal(mean, covariance).Sample(20_000, new Rng(4));
        var fit = MultivariateNormal.FitMoments(samples);
        for (int j = 0; j < 2; j++)
            Assert.InRange(fit.Mean[j], mean[j] - 5 * Math.Sqrt(covariance[j, j] / 20_000), mean[j] + 5 * Math.Sqrt(covariance[j, j] / 20_000));
        for (int j = 0; j < 2; j++)
        {
            double error = Math.Sqrt((covariance[j, j] * covariance[j, j] + covariance[j, j] * covariance[j, j]) / 20_000);
            Assert.InRange(fit.MarginalStd(j) * fit.MarginalStd(j), covariance[j, j] - 5 * error, covariance[j, j] + 5 * error);
        }
        // The correlation shows in the fit: draws of the fitted normal correlate as the data did (0.6).
        var redrawn = fit.Sample(20_000, new Rng(5));
        var a = Enumerable.Range(0, 20_000).Select(i => (double)redrawn[i, 0]).ToArray();
        var b = Enumerable.Range(0, 20_000).Select(i => (double)redrawn[i, 1]).ToArray();
        double ma = a.Average(), mb = b.Average();
        double r = a.Zip(b, (x, y) => (x - ma) * (y - mb)).Sum() / Math.Sqrt(a.Sum(x => (x - ma) * (x - ma)) * b.Sum(y => (y - mb) * (y - mb)));
        Assert.InRange(r, 0.6 - 0.03, 0.6 + 0.03); // SE of r ≈ (1 − r²)/√n ≈ 0.0045 per fit and redraw
    }

    [Fact]
    public void Fitting_needs_more_samples_than_dimensions()
    {
        var e = Assert.Throws<ArgumentException>(() => MultivariateNormal.FitMoments(new float[2, 2]));
        Assert.Contains("more than 2 samples", e.Message);
        Assert.Contains("got 2", e.Message);
    }
}
