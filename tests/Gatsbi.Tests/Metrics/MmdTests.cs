using Gatsbi.Metrics;
using Gatsbi.Randomness;
using Xunit.Abstractions;

namespace Gatsbi.Tests.Metrics;

public sealed class MmdTests(ITestOutputHelper output)
{
    private static float[,] Gaussian(Rng rng, int n, double[] mean, double std)
    {
        var samples = new float[n, mean.Length];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < mean.Length; j++) samples[i, j] = (float)rng.Normal(mean[j], std);
        return samples;
    }

    private static float[,] Column(params float[] values)
    {
        var samples = new float[values.Length, 1];
        for (int i = 0; i < values.Length; i++) samples[i, 0] = values[i];
        return samples;
    }

    private static double SquaredDistance(float[,] a, int i, float[,] b, int j)
    {
        double sum = 0;
        for (int k = 0; k < a.GetLength(1); k++)
        {
            double difference = (double)a[i, k] - b[j, k];
            sum += difference * difference;
        }
        return sum;
    }

    /// <summary>sbibm's MMD written out plainly: every distance stored and sorted, every kernel term summed.</summary>
    private static (double SquaredMmd, double Bandwidth, double TermScale) Naive(float[,] x, float[,] y, MmdBandwidth bandwidth)
    {
        int n = x.GetLength(0), m = y.GetLength(0);
        double sigma = bandwidth.Value;
        if (bandwidth.Rule != MmdBandwidthRule.Fixed)
        {
            var pool = bandwidth.Rule == MmdBandwidthRule.MedianOfX ? x : Stack(x, y);
            var distances = new List<double>();
            for (int i = 0; i < pool.GetLength(0); i++)
                for (int j = i + 1; j < pool.GetLength(0); j++) distances.Add(Math.Sqrt(SquaredDistance(pool, i, pool, j)));
            distances.Sort();
            sigma = distances[(distances.Count - 1) / 2];
        }
        double Kernel(float[,] a, int i, float[,] b, int j) => Math.Exp(-SquaredDistance(a, i, b, j) / (2 * sigma * sigma));
        double xx = 0, yy = 0, xy = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (i != j) xx += Kernel(x, i, x, j);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
                if (i != j) yy += Kernel(y, i, y, j);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) xy += Kernel(x, i, y, j);
        xx /= n * (n - 1.0);
        yy /= m * (m - 1.0);
        xy /= (double)n * m;
        return (xx + yy - 2 * xy, sigma, xx + yy + 2 * xy);
    }

    private static float[,] Stack(float[,] a, float[,] b)
    {
        int d = a.GetLength(1);
        var all = new float[a.GetLength(0) + b.GetLength(0), d];
        for (int i = 0; i < all.GetLength(0); i++)
            for (int k = 0; k < d; k++) all[i, k] = i < a.GetLength(0) ? a[i, k] : b[i - a.GetLength(0), k];
        return all;
    }

    public static TheoryData<string> Bandwidths => new() { "X", "XY", "fixed" };

    private static MmdBandwidth Bandwidth(string name) => name switch
    {
        "X" => MmdBandwidth.MedianOfX,
        "XY" => MmdBandwidth.MedianOfXY,
        _ => MmdBandwidth.Fixed(1.3),
    };

    /// <summary>
    /// Against the plain implementation. The distances are the same double operations in the same order, so
    /// the bandwidth agrees exactly. The sums differ in order and exp routine (rounding ~1e-16 per term), so
    /// MMD² agrees to 1e-12 of the size of the terms it is the difference of.
    /// </summary>
    [Theory]
    [MemberData(nameof(Bandwidths))]
    public void Agrees_with_a_plain_implementation(string bandwidth)
    {
        var rng = new Rng(11);
        // Odd sizes, so that rows end in partial vectors.
        var x = Gaussian(rng, 151, [0, 0, 0], 1.0);
        var y = Gaussian(rng, 173, [0.4, 0, -0.3], 1.3);
        var options = new MmdOptions { Bandwidth = Bandwidth(bandwidth), Threads = 2 };
        var result = Mmd.Compute(x, y, options);
        var naive = Naive(x, y, options.Bandwidth);
        output.WriteLine($"MMD² {result.SquaredMmd:R} (plain {naive.SquaredMmd:R}), σ {result.Bandwidth:R}");
        Assert.Equal(naive.Bandwidth, result.Bandwidth);
        Assert.True(naive.SquaredMmd > 0.01, "the sets should differ clearly, so the comparison is not one of two tiny numbers");
        Assert.InRange(result.SquaredMmd - naive.SquaredMmd, -1e-12 * naive.TermScale, 1e-12 * naive.TermScale);
    }

    [Fact]
    public void The_bandwidth_is_the_lower_median_of_an_even_number_of_distances()
    {
        // Distances 1, 2, 3, 4, 6, 7: the lower median is 3 (the upper 4, their mean 3.5).
        var x = Column(0, 1, 3, 7);
        Assert.Equal(3.0, Mmd.Compute(x, Column(5, 9)).Bandwidth);
    }

    [Fact]
    public void The_pooled_bandwidth_uses_both_sets_and_the_default_only_the_first()
    {
        var x = Column(0, 1);
        var y = Column(3, 7);
        Assert.Equal(1.0, Mmd.Compute(x, y).Bandwidth);
        Assert.Equal(3.0, Mmd.Compute(x, y, new MmdOptions { Bandwidth = MmdBandwidth.MedianOfXY }).Bandwidth);
    }

    [Fact]
    public void Z_scoring_uses_the_first_sets_statistics_with_the_n_minus_1_divisor()
    {
        // x = {0, 2}: mean 1, (n − 1) std √2, so x becomes ±1/√2, 2/√2 = √2 apart (an n divisor would give 2).
        var x = Column(0, 2);
        var y = Column(100, 250);
        Assert.Equal(2.0, Mmd.Compute(x, y).Bandwidth);
        Assert.Equal(Math.Sqrt(2), Mmd.Compute(x, y, new MmdOptions { ZScore = true }).Bandwidth, 15);
        // y is mapped with x's statistics too: pooled points ±1/√2, 99/√2 and 249/√2, lower median distance 100/√2.
        Assert.Equal(100 / Math.Sqrt(2),
            Mmd.Compute(x, y, new MmdOptions { ZScore = true, Bandwidth = MmdBandwidth.MedianOfXY }).Bandwidth, 12);
    }

    /// <summary>Mean and standard error of the statistic over independent replications.</summary>
    private static (double Mean, double StandardError, double[] Values) Replicate(int count, Func<Rng, double> statistic)
    {
        var values = Enumerable.Range(0, count).Select(r => statistic(new Rng(Seeds.Derive(2024, Seeds.Streams.Metric, (ulong)r)))).ToArray();
        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (count - 1);
        return (mean, Math.Sqrt(variance / count), values);
    }

    /// <summary>
    /// Under equal distributions the unbiased MMD² has mean 0 and is negative about half the time. Bound: 5
    /// standard errors estimated from 30 replications (|t₂₉| > 5 has probability ~2e-5).
    /// </summary>
    [Fact]
    public void Samples_of_one_distribution_give_about_zero_and_can_give_negative_values()
    {
        var (mean, se, values) = Replicate(30, rng => Mmd.Compute(Gaussian(rng, 300, [1, -1], 2.0), Gaussian(rng, 300, [1, -1], 2.0)).SquaredMmd);
        output.WriteLine($"mean {mean:E3} ± {se:E2}; range {values.Min():E3} .. {values.Max():E3}");
        Assert.InRange(mean, -5 * se, 5 * se);
        Assert.Contains(values, v => v < 0);
        Assert.Contains(values, v => v > 0);
    }

    /// <summary>
    /// X ~ N(μ₁, s²I), Y ~ N(μ₂, s²I) with a fixed σ: the estimate is unbiased for
    /// 2·(σ²/(σ² + 2s²))^{d/2}·[1 − exp(−‖μ₁ − μ₂‖²/(2(σ² + 2s²)))] (the Gaussian kernel's expectations under two Gaussians). Bound: 5 standard
    /// errors estimated from 30 replications (|t₂₉| > 5 has probability ~2e-5); the standard error is also
    /// required to be under a tenth of the value, so the check has power.
    /// </summary>
    [Theory]
    [InlineData(2, 1.0, 1.0, 1.0)]
    [InlineData(5, 1.0, 2.0, 0.5)]
    public void Two_gaussians_give_the_closed_form_value(int d, double s, double sigma, double shiftPerCoordinate)
    {
        var shifted = Enumerable.Repeat(shiftPerCoordinate, d).ToArray();
        double variance = sigma * sigma + 2 * s * s;
        double expected = 2 * Math.Pow(sigma * sigma / variance, d / 2.0)
            * (1 - Math.Exp(-d * shiftPerCoordinate * shiftPerCoordinate / (2 * variance)));
        var options = new MmdOptions { Bandwidth = MmdBandwidth.Fixed(sigma) };
        var (mean, se, _) = Replicate(30, rng => Mmd.Compute(Gaussian(rng, 400, new double[d], s), Gaussian(rng, 400, shifted, s), options).SquaredMmd);
        output.WriteLine($"mean {mean:F5} ± {se:F5}, expected {expected:F5}");
        Assert.True(se < expected / 10, $"standard error {se} too large for a check of {expected}");
        Assert.InRange(mean, expected - 5 * se, expected + 5 * se);
    }

    /// <summary>
    /// For N(0, s²I₂) samples, ‖Xᵢ − Xⱼ‖²/(2s²) is χ²₂, whose median is 2 ln 2, so the median distance is
    /// s·√(4 ln 2) ≈ 1.665·s. Bound: 5 standard errors estimated from 10 replications of 2,000 samples
    /// (|t₉| > 5 has probability ~7e-4); the finite-sample bias of a median is O(1/n), far smaller.
    /// </summary>
    [Fact]
    public void The_median_heuristic_matches_the_chi_squared_median()
    {
        const double s = 3.0;
        double expected = s * Math.Sqrt(4 * Math.Log(2));
        var (mean, se, _) = Replicate(10, rng => Mmd.Compute(Gaussian(rng, 2000, [5, 5], s), Gaussian(rng, 2, [0, 0], 1)).Bandwidth);
        output.WriteLine($"σ mean {mean:F5} ± {se:F5}, expected {expected:F5}");
        Assert.True(se < 0.01 * expected, $"standard error {se} too large");
        Assert.InRange(mean, expected - 5 * se, expected + 5 * se);
    }

    [Fact]
    public void A_non_finite_value_in_either_set_gives_nan()
    {
        var x = Gaussian(new Rng(3), 50, [0, 0], 1);
        var y = Gaussian(new Rng(4), 50, [0, 0], 1);
        Assert.False(double.IsNaN(Mmd.Compute(x, y).SquaredMmd));
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity })
        {
            var xBad = (float[,])x.Clone();
            xBad[7, 1] = bad;
            var yBad = (float[,])y.Clone();
            yBad[49, 0] = bad;
            Assert.True(double.IsNaN(Mmd.Compute(xBad, y).SquaredMmd));
            Assert.True(double.IsNaN(Mmd.Compute(x, yBad).SquaredMmd));
        }
    }

    [Fact]
    public void The_result_does_not_depend_on_the_thread_count()
    {
        var rng = new Rng(5);
        var x = Gaussian(rng, 1501, [0, 0, 0, 0], 1);
        var y = Gaussian(rng, 1299, [0.1, 0, 0, 0], 1);
        foreach (var bandwidth in new[] { MmdBandwidth.MedianOfX, MmdBandwidth.MedianOfXY })
        {
            var single = Mmd.Compute(x, y, new MmdOptions { Bandwidth = bandwidth, Threads = 1 });
            foreach (int threads in new[] { 2, 3 })
            {
                var parallel = Mmd.Compute(x, y, new MmdOptions { Bandwidth = bandwidth, Threads = threads });
                Assert.Equal(single.SquaredMmd.ToString("R"), parallel.SquaredMmd.ToString("R"));
                Assert.Equal(single.Bandwidth.ToString("R"), parallel.Bandwidth.ToString("R"));
            }
        }
    }

    [Fact]
    public void Wrong_shapes_and_settings_are_errors_that_say_what_is_wrong()
    {
        var x = Gaussian(new Rng(6), 10, [0, 0], 1);
        string Message(Action action) => Assert.Throws<ArgumentException>(action).Message;

        Assert.Contains("the first has 2 columns, the second 3", Message(() => Mmd.Compute(x, new float[10, 3])));
        Assert.Contains("at least one column", Message(() => Mmd.Compute(new float[5, 0], new float[5, 0])));
        Assert.Contains("at least 2 samples in each set", Message(() => Mmd.Compute(x, new float[1, 2])));
        Assert.Contains("got 1 and 10", Message(() => Mmd.Compute(new float[1, 2], x)));
        Assert.Contains("Threads must be positive; got 0", Message(() => Mmd.Compute(x, x, new MmdOptions { Threads = 0 })));
        Assert.Contains("positive and finite; got 0", Message(() => MmdBandwidth.Fixed(0)));
        Assert.Contains("positive and finite; got NaN", Message(() => MmdBandwidth.Fixed(double.NaN)));
        Assert.Contains("median heuristic is zero", Message(() => Mmd.Compute(Column(1, 1, 1, 2), Column(0, 5))));
        Assert.Contains("Column 2 of the first sample set is constant",
            Message(() => Mmd.Compute(new float[,] { { 0, 1 }, { 1, 1 } }, x, new MmdOptions { ZScore = true })));
    }

    [Fact]
    public void Cancellation_stops_the_computation()
    {
        var x = Gaussian(new Rng(7), 100, [0], 1);
        Assert.Throws<OperationCanceledException>(() => Mmd.Compute(x, x, cancellation: new CancellationToken(canceled: true)));
    }
}
