using Gatsbi.Inference.Mcmc;
using Xunit.Abstractions;

namespace Gatsbi.Tests.Inference;

public sealed class SliceSamplerTests(ITestOutputHelper output)
{
    private static double[] Column(float[,] samples, int j) =>
        Enumerable.Range(0, samples.GetLength(0)).Select(i => (double)samples[i, j]).ToArray();

    private static (double Mean, double Variance) Moments(double[] values)
    {
        double mean = values.Average();
        return (mean, values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }

    /// <summary>log N(θ; 0, Σ) up to a constant for a 2-D covariance with standard deviations s and correlation ρ.</summary>
    private static LogDensityFunction Normal2(double s1, double s2, double rho) => p =>
    {
        double a = p[0] / s1, b = p[1] / s2;
        return -(a * a - 2 * rho * a * b + b * b) / (2 * (1 - rho * rho));
    };

    private static readonly SliceSamplerOptions Quick = new() { Chains = 4, WarmupSweeps = 100, Thin = 2 };

    /// <summary>
    /// N(0, I₂) from 8,000 draws. Univariate slice updates of independent coordinates give nearly independent draws
    /// (two sweeps apart), so the effective sample size is in the thousands: the mean's standard error is about
    /// 0.015 and the variance's about 0.02; ±0.08 and ±0.12 are five of them.
    /// </summary>
    [Fact]
    public void Draws_a_standard_normal_with_its_moments()
    {
        var result = new SliceSampler(Quick).Sample(Normal2(1, 1, 0), [2.0, -1.0], 8_000, seed: 1);
        output.WriteLine($"{result.EvaluationsPerSample:F1} evaluations per draw, widths {string.Join(", ", result.Widths.Select(w => w.ToString("F2")))}");
        Assert.Equal((8_000, 2), (result.Samples.GetLength(0), result.Samples.GetLength(1)));
        for (int j = 0; j < 2; j++)
        {
            var (mean, variance) = Moments(Column(result.Samples, j));
            Assert.InRange(mean, -0.08, 0.08);
            Assert.InRange(variance, 0.88, 1.12);
        }
    }

    /// <summary>
    /// A strongly correlated target (ρ = 0.9, standard deviations 1 and 2) mixes more slowly under coordinate-wise
    /// updates (lag-one autocorrelation about ρ² per sweep, an autocorrelation time of (1 + ρ²)/(1 − ρ²) ≈ 10
    /// sweeps), so the chains are thinned by 5: 8,000 draws leave an effective sample size of about 4,000, a
    /// standard error of 0.003 on the correlation and of 2 % on each variance; ±0.04 on ρ and ±12 % on each
    /// variance are far outside chance and still fail a sampler that ignores the correlation (ρ ≈ 0).
    /// </summary>
    [Fact]
    public void Recovers_a_correlated_normal()
    {
        var options = Quick with { Thin = 5 };
        var result = new SliceSampler(options).Sample(Normal2(1, 2, 0.9), [0.0, 0.0], 8_000, seed: 2);
        var a = Column(result.Samples, 0);
        var b = Column(result.Samples, 1);
        var (ma, va) = Moments(a);
        var (mb, vb) = Moments(b);
        double rho = a.Zip(b, (x, y) => (x - ma) * (y - mb)).Sum() / (a.Length - 1) / Math.Sqrt(va * vb);
        output.WriteLine($"var {va:F3}, {vb:F3}, ρ {rho:F3}; {result.EvaluationsPerSample:F1} evaluations per draw");
        Assert.InRange(rho, 0.86, 0.94);
        Assert.InRange(va, 0.88, 1.12);
        Assert.InRange(vb, 4 * 0.88, 4 * 1.12);
    }

    /// <summary>A density that is zero outside a box: every draw stays inside, and the means are the box's centres (SE ≈ 0.005 and 0.015).</summary>
    [Fact]
    public void Stays_inside_a_bounded_support()
    {
        LogDensityFunction box = p => p[0] is >= 0 and <= 1 && p[1] is >= 2 and <= 5 ? 0 : double.NegativeInfinity;
        var samples = new SliceSampler(Quick).Sample(box, [0.5, 3.0], 8_000, seed: 3).Samples;
        var a = Column(samples, 0);
        var b = Column(samples, 1);
        Assert.All(a, v => Assert.InRange(v, 0, 1));
        Assert.All(b, v => Assert.InRange(v, 2, 5));
        Assert.InRange(a.Average(), 0.47, 0.53);
        Assert.InRange(b.Average(), 3.4, 3.6);
    }

    /// <summary>
    /// A target a hundred times wider than the initial width: stepping out reaches it and warm-up adapts the
    /// width to its scale, so the draws have its standard deviation (±10 %, about five standard errors) and the
    /// tuned width is a few slice widths (about 8 sd here, as for the standard normal), not the start's 1. A rule
    /// that tuned on the stepped-out brackets only grew (16 sd after 100 sweeps), so 1–10 sd is asserted.
    /// </summary>
    [Fact]
    public void Adapts_the_width_to_a_wide_target()
    {
        LogDensityFunction wide = p => -0.5 * (p[0] / 100) * (p[0] / 100);
        var result = new SliceSampler(Quick).Sample(wide, [0.0], 8_000, seed: 4);
        double sd = Math.Sqrt(Moments(Column(result.Samples, 0)).Variance);
        output.WriteLine($"sd {sd:F1}, width {result.Widths[0]:F1}, {result.EvaluationsPerSample:F1} evaluations per draw");
        Assert.InRange(sd, 90, 110);
        Assert.InRange(result.Widths[0], 100, 1_000);
    }

    [Fact]
    public void The_same_seed_gives_the_same_draws_whatever_the_thread_count()
    {
        var density = Normal2(1, 1, 0.5);
        var a = new SliceSampler(Quick).Sample(density, [0.0, 0.0], 400, seed: 5).Samples;
        var b = new SliceSampler(Quick with { MaxThreads = 1 }).Sample(density, [0.0, 0.0], 400, seed: 5).Samples;
        var c = new SliceSampler(Quick).Sample(density, [0.0, 0.0], 400, seed: 6).Samples;
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Bad_starts_densities_and_options_give_named_errors()
    {
        var sampler = new SliceSampler(Quick);
        LogDensityFunction box = p => p[0] is >= 0 and <= 1 ? 0 : double.NegativeInfinity;
        Assert.Contains("start point", Assert.Throws<ArgumentException>(() => sampler.Sample(box, [2.0], 10, seed: 1)).Message);
        Assert.Contains("Coordinate 2", Assert.Throws<ArgumentException>(() => sampler.Sample(box, [0.5, double.NaN], 10, seed: 1)).Message);
        Assert.Contains("positive number of draws", Assert.Throws<ArgumentException>(() => sampler.Sample(box, [0.5], 0, seed: 1)).Message);

        // A flat, improper target never leaves the slice: the step-out guard names the coordinate.
        var flat = new SliceSampler(Quick with { MaxStepsOut = 50 });
        var e = Assert.Throws<InvalidOperationException>(() => flat.Sample(_ => 0, [0.0, 0.0], 10, seed: 1));
        Assert.Contains("stepped out 50 times", e.Message);
        Assert.Contains("coordinate", e.Message);

        // NaN is a bug in the density, not a zero.
        LogDensityFunction broken = p => p[0] > 1 ? double.NaN : -p[0] * p[0];
        Assert.Contains("NaN", Assert.Throws<InvalidOperationException>(() => sampler.Sample(broken, [0.0], 100, seed: 1)).Message);

        Assert.Contains(nameof(SliceSamplerOptions.Thin), Assert.Throws<ArgumentException>(() => new SliceSampler(Quick with { Thin = 0 }).Sample(box, [0.5], 10, 1)).Message);
        Assert.Contains(nameof(SliceSamplerOptions.InitialWidth), Assert.Throws<ArgumentException>(() => new SliceSampler(Quick with { InitialWidth = 0 }).Sample(box, [0.5], 10, 1)).Message);
    }

    [Fact]
    public void Reports_every_sweep_and_stops_when_cancelled()
    {
        var reports = new List<WorkProgress>();
        new SliceSampler(Quick with { Chains = 1 }).Sample(Normal2(1, 1, 0), [0.0, 0.0], 50, seed: 7, new Core.SynchronousProgress<WorkProgress>(reports.Add));
        Assert.Equal(100 + 50 * 2, reports.Count);
        Assert.Equal(reports.Count, reports[^1].Done);
        Assert.All(reports, r => Assert.Equal(reports.Count, r.Total));

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new SliceSampler(Quick).Sample(Normal2(1, 1, 0), [0.0, 0.0], 50, seed: 7, cancellation: cancelled.Token));
    }
}
