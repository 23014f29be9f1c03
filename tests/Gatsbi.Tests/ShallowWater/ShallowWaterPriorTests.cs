using Gatsbi.Benchmarks.ShallowWater;
using Gatsbi.Randomness;

namespace Gatsbi.Tests.ShallowWater;

public sealed class ShallowWaterPriorTests
{
    [Fact]
    public void Covariance_is_the_specified_squared_exponential_kernel()
    {
        var covariance = DepthPrior.Covariance();
        Assert.Equal(15, covariance[0, 0]);
        Assert.Equal(15, covariance[57, 57]);
        Assert.Equal(15 * Math.Exp(-0.5), covariance[10, 20], 1e-12);   // one length-scale (10 cells) apart
        Assert.Equal(15 * Math.Exp(-2), covariance[99, 79], 1e-12);
        Assert.Equal(covariance[3, 40], covariance[40, 3]);
    }

    /// <summary>
    /// The sample covariance of 20,000 draws against Σ + 1e-4·I, entry by entry. The standard error of a sample
    /// covariance is √((ΣᵢᵢΣⱼⱼ + Σᵢⱼ²)/n) (≤ 0.15 here); 5 of those bounds every one of the 5,050 distinct entries
    /// while a wrong length-scale (τ = 10 instead of 100 moves Σ₀,₁₀ from 9.1 to 0.1) fails by far.
    /// </summary>
    [Fact]
    public void Sample_covariance_matches_the_prior_covariance()
    {
        const int n = 20_000, d = DepthPrior.Dimension;
        var draws = DepthPrior.Create().Sample(n, new Rng(2024));
        var mean = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += draws[i, j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        var sample = new double[d, d];
        var centred = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) centred[j] = draws[i, j] - mean[j];
            for (int a = 0; a < d; a++) for (int b = 0; b <= a; b++) sample[a, b] += centred[a] * centred[b];
        }
        var sigma = DepthPrior.Covariance();
        for (int a = 0; a < d; a++)
        {
            double meanError = Math.Sqrt(sigma[a, a] / n);
            Assert.True(Math.Abs(mean[a]) < 5 * meanError, $"mean of θ[{a}] is {mean[a]}");
            for (int b = 0; b <= a; b++)
            {
                double expected = sigma[a, b] + (a == b ? DepthPrior.Jitter : 0);
                double error = Math.Sqrt((sigma[a, a] * sigma[b, b] + sigma[a, b] * sigma[a, b]) / n);
                double actual = sample[a, b] / (n - 1);
                Assert.True(Math.Abs(actual - expected) < 5 * error, $"Σ[{a},{b}]: sample {actual:F4}, expected {expected:F4}");
            }
        }
    }
}
