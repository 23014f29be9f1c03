using Gatsbi.Randomness;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Camera;

public sealed class PoissonVariateTests
{
    private const int Draws = 200_000;

    /// <summary>
    /// Mean and variance of 200k draws against λ. Standard errors: mean √(λ/n); sample variance √((μ₄ − σ⁴)/n)
    /// with μ₄ = λ(1 + 3λ), i.e. √((λ + 2λ²)/n). Bounds are 5 SE, so a correct sampler fails about once in
    /// 10⁶ runs, while a bias of a few percent in the variance (e.g. a rounded normal approximation's
    /// continuity error at small λ) does not pass.
    /// </summary>
    [Theory]
    [InlineData(0.3, 1UL)]
    [InlineData(4.0, 2UL)]
    [InlineData(9.99, 3UL)]
    [InlineData(10.0, 4UL)]
    [InlineData(12.0, 5UL)]
    [InlineData(30.0, 6UL)]
    [InlineData(256.0, 7UL)]
    public void Mean_and_variance_are_lambda(double lambda, ulong seed)
    {
        var rng = new Rng(seed);
        var draws = new double[Draws];
        for (int i = 0; i < Draws; i++) draws[i] = rng.Poisson(lambda);
        double meanSe = Math.Sqrt(lambda / Draws);
        double varSe = Math.Sqrt((lambda + 2 * lambda * lambda) / Draws);
        Assert.InRange(Stats.Mean(draws), lambda - 5 * meanSe, lambda + 5 * meanSe);
        Assert.InRange(Stats.Variance(draws), lambda - 5 * varSe, lambda + 5 * varSe);
        Assert.All(draws, d => Assert.True(d >= 0 && d == Math.Floor(d)));
    }

    /// <summary>
    /// Frequencies of single values against the pmf e^−λ λᵏ/k!, binomial SE √(p(1 − p)/n), 5 SE bounds: P(0)
    /// for the inversion branch and the mode and a tail value for PTRS, whose acceptance test uses log k!.
    /// </summary>
    [Theory]
    [InlineData(0.3, 0, 11UL)]
    [InlineData(4.0, 0, 12UL)]
    [InlineData(4.0, 4, 13UL)]
    [InlineData(12.0, 12, 14UL)]
    [InlineData(30.0, 40, 15UL)]
    [InlineData(256.0, 256, 16UL)]
    public void Frequencies_match_the_pmf(double lambda, int k, ulong seed)
    {
        var rng = new Rng(seed);
        int hits = 0;
        for (int i = 0; i < Draws; i++)
            if (rng.Poisson(lambda) == k) hits++;
        double p = Math.Exp(-lambda + k * Math.Log(lambda) - RandomVariates.LogGamma(k + 1.0));
        double se = Math.Sqrt(p * (1 - p) / Draws);
        Assert.InRange(hits / (double)Draws, p - 5 * se, p + 5 * se);
    }

    [Fact]
    public void Lambda_zero_gives_zero_and_invalid_lambdas_throw()
    {
        var rng = new Rng(1);
        for (int i = 0; i < 100; i++) Assert.Equal(0, rng.Poisson(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.Poisson(-0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.Poisson(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.Poisson(double.PositiveInfinity));
    }

    [Fact]
    public void The_same_seed_gives_the_same_draws()
    {
        var a = new Rng(9);
        var b = new Rng(9);
        for (int i = 0; i < 1000; i++) Assert.Equal(a.Poisson(i % 300 * 0.9), b.Poisson(i % 300 * 0.9));
    }
}
