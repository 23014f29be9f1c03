using Gatsbi.Inference.Abc;
using Gatsbi.Randomness;

namespace Gatsbi.Tests.Abc;

public sealed class GaussianKdeTests
{
    private static readonly double[,] ThreePoints = { { 0, 0 }, { 1, 2 }, { -1, 0.5 } };

    /// <summary>log Σ wᵢ N(y; Xᵢ, h²I) / Σ w, written out term by term.</summary>
    private static double DirectLogDensity(double[,] points, double h, double[] weights, double[] y)
    {
        double density = 0;
        for (int i = 0; i < points.GetLength(0); i++)
        {
            double d2 = 0;
            for (int j = 0; j < y.Length; j++) d2 += (y[j] - points[i, j]) * (y[j] - points[i, j]);
            density += weights[i] * Math.Pow(2 * Math.PI * h * h, -y.Length / 2.0) * Math.Exp(-d2 / (2 * h * h));
        }
        return Math.Log(density / weights.Sum());
    }

    private static double[,] NormalPoints(int n, int dimension, ulong seed, double[]? scales = null)
    {
        var rng = new Rng(seed);
        var points = new double[n, dimension];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < dimension; j++) points[i, j] = (scales?[j] ?? 1) * rng.Normal();
        return points;
    }

    [Theory]
    [InlineData(0.3, -0.2)]
    [InlineData(4.0, 7.0)]
    [InlineData(-1.0, 0.5)]
    public void Log_density_matches_the_direct_formula(double y0, double y1)
    {
        var kde = new GaussianKde(ThreePoints, 0.7);
        double expected = DirectLogDensity(ThreePoints, 0.7, [1, 1, 1], [y0, y1]);
        Assert.Equal(expected, kde.LogDensity([y0, y1]), 12);
    }

    [Fact]
    public void Log_density_is_stable_far_from_every_point()
    {
        // exp(−|y − X|²/2h²) underflows to 0 here; the log-sum-exp keeps the exact value, dominated by the nearest point (1, 2).
        var kde = new GaussianKde(ThreePoints, 0.1);
        double expected = Math.Log(1.0 / 3) - Math.Log(2 * Math.PI * 0.01) - (99 * 99 + 98 * 98) / (2 * 0.01);
        Assert.Equal(expected, kde.LogDensity([100, 100]), 6);
    }

    [Fact]
    public void Weights_are_respected_and_only_their_proportions_matter()
    {
        double[] weights = [1, 0, 3];
        var kde = new GaussianKde(ThreePoints, 0.5, weights);
        double[] y = [0.2, 0.4];
        Assert.Equal(DirectLogDensity(ThreePoints, 0.5, weights, y), kde.LogDensity(y), 12);
        Assert.Equal(kde.LogDensity(y), new GaussianKde(ThreePoints, 0.5, [10, 0, 30]).LogDensity(y), 12);
        // The zero-weight centre (1, 2) adds nothing: the density there equals that of a KDE without it.
        var without = new GaussianKde(new double[,] { { 0, 0 }, { -1, 0.5 } }, 0.5, [1, 3]);
        Assert.Equal(without.LogDensity([1, 2]), kde.LogDensity([1, 2]), 12);
        Assert.NotEqual(new GaussianKde(ThreePoints, 0.5).LogDensity(y), kde.LogDensity(y), 6);
    }

    /// <summary>Riemann sum over [−4, 4] × [−3, 5], at least 6 bandwidths beyond every centre: the mass outside is below 1e-8.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Density_integrates_to_one(bool weighted)
    {
        var kde = new GaussianKde(ThreePoints, 0.5, weighted ? [1, 0, 3] : null);
        const double step = 0.02;
        double integral = 0;
        for (double a = -4 + step / 2; a < 4; a += step)
            for (double b = -3 + step / 2; b < 5; b += step)
                integral += Math.Exp(kde.LogDensity([a, b])) * step * step;
        Assert.InRange(integral, 1 - 1e-6, 1 + 1e-6);
    }

    /// <summary>
    /// Draws have the weighted mean of the points and their weighted (population) variance plus h² in each
    /// coordinate. 200 000 draws; bounds are 5 standard errors: SE(mean) = √(var/n), SE(var) = √((m₄ − var²)/n)
    /// with m₄ the draws' fourth central moment.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Samples_have_the_points_mean_and_their_variance_plus_h_squared(bool weighted)
    {
        const double h = 0.3;
        const int n = 200_000;
        var points = NormalPoints(50, 2, seed: 3, scales: [1, 2]);
        var weights = weighted ? Enumerable.Range(0, 50).Select(i => (double)(i % 5)).ToArray() : null;
        var kde = new GaussianKde(points, h, weights);
        var samples = kde.Sample(n, new Rng(4));
        Assert.Equal(n, samples.GetLength(0));
        var w = weights ?? Enumerable.Repeat(1.0, 50).ToArray();
        for (int j = 0; j < 2; j++)
        {
            double mean = Enumerable.Range(0, 50).Sum(i => w[i] * points[i, j]) / w.Sum();
            double variance = Enumerable.Range(0, 50).Sum(i => w[i] * (points[i, j] - mean) * (points[i, j] - mean)) / w.Sum() + h * h;
            var column = Enumerable.Range(0, n).Select(i => (double)samples[i, j]).ToArray();
            double sampleMean = column.Average();
            double sampleVariance = column.Sum(v => (v - sampleMean) * (v - sampleMean)) / n;
            double fourth = column.Sum(v => Math.Pow(v - sampleMean, 4)) / n;
            double seMean = Math.Sqrt(variance / n), seVariance = Math.Sqrt((fourth - sampleVariance * sampleVariance) / n);
            Assert.InRange(sampleMean, mean - 5 * seMean, mean + 5 * seMean);
            Assert.InRange(sampleVariance, variance - 5 * seVariance, variance + 5 * seVariance);
        }
    }

    [Fact]
    public void Zero_weight_points_are_never_sampled_and_the_same_rng_state_gives_the_same_draws()
    {
        var kde = new GaussianKde(new double[,] { { 0 }, { 100 } }, 1, [1, 0]);
        var samples = kde.Sample(10_000, new Rng(5));
        Assert.All(Enumerable.Range(0, 10_000), i => Assert.InRange(samples[i, 0], -10f, 10f));
        Assert.Equal(samples, kde.Sample(10_000, new Rng(5)));
    }

    /// <summary>
    /// On 100 draws of N(0, I₂) the search stays inside its first grid [0.1 s, 0.5 s] (the best of that grid is
    /// not its smallest value, so no index-0 zoom leaves it), and lands within a factor 3 of Silverman's rule
    /// (n(d + 2)/4)^(−1/(d + 4))·σ ≈ 0.46 σ.
    /// </summary>
    [Fact]
    public void Cross_validated_bandwidth_on_normal_data_lies_in_the_first_grid_near_silverman()
    {
        var points = NormalPoints(100, 2, seed: 7);
        var kde = GaussianKde.FitCrossValidated(points);
        var search = kde.BandwidthSearch!;
        double s = search.PooledStd;
        Assert.Equal(KdeBandwidthSearch.Linspace(0.1 * s, 0.5 * s, 10), search.Grids[0].Bandwidths);
        Assert.NotEqual(0, search.Grids[0].BestIndex);
        Assert.Equal(search.Bandwidth, kde.Bandwidth);
        Assert.InRange(kde.Bandwidth, 0.1 * s, 0.5 * s);
        double silverman = Math.Pow(100 * 4 / 4.0, -1.0 / 6) * s;
        Assert.InRange(kde.Bandwidth, silverman / 3, silverman * 3);
    }

    /// <summary>
    /// s pools every entry, as NumPy's <c>X.std()</c>: coordinates with different means add their spread of means,
    /// so N(0, 1) beside N(10, 1) gives s ≈ √(1 + 25) ≈ 5.1, not 1. Bound: ±0.2, well beyond the sampling error of 400 entries.
    /// </summary>
    [Fact]
    public void Pooled_std_pools_all_coordinates_around_one_mean()
    {
        var points = NormalPoints(200, 2, seed: 12);
        for (int i = 0; i < 200; i++) points[i, 1] += 10;
        Assert.InRange(KdeBandwidthSearch.Run(points).PooledStd, Math.Sqrt(26) - 0.2, Math.Sqrt(26) + 0.2);
    }

    /// <summary>Each zoom spans the previous grid's best and rank-2 candidates; the search stops on a gain ≤ 0.001 or after 5 grids.</summary>
    [Theory]
    [InlineData(7UL, 2)]
    [InlineData(8UL, 5)]
    [InlineData(9UL, 1)]
    public void Zoom_and_stop_rules_hold(ulong seed, int dimension)
    {
        var search = KdeBandwidthSearch.Run(NormalPoints(60 + (int)seed, dimension, seed));
        Assert.InRange(search.Grids.Count, 2, 5);
        for (int g = 0; g + 1 < search.Grids.Count; g++)
        {
            var grid = search.Grids[g];
            Assert.NotEqual(0, grid.BestIndex);
            double a = grid.BestBandwidth, b = grid.Bandwidths[KdeBandwidthSearch.SecondIndex(grid.Scores)];
            Assert.Equal(KdeBandwidthSearch.Linspace(Math.Min(a, b), Math.Max(a, b), 10), search.Grids[g + 1].Bandwidths);
            Assert.True(Math.Abs(grid.BestScore - (g == 0 ? -1e7 : search.Grids[g - 1].BestScore)) > 0.001);
        }
        if (search.Converged)
            Assert.InRange(search.Grids[^1].BestScore - search.Grids[^2].BestScore, -0.001, 0.001);
        else
            Assert.Equal(5, search.Grids.Count);
    }

    /// <summary>
    /// Four tight clusters 10 apart: the pooled std is about 11, so the smallest first-grid candidate wins and
    /// upstream's index-0 zoom lays out +δ … −δ (δ = (0.5 s − 0.1 s)/10). Its non-positive candidates score −∞
    /// and the search still returns a positive bandwidth, here below the first grid.
    /// </summary>
    [Fact]
    public void Index_zero_zoom_scores_non_positive_candidates_as_minus_infinity_and_does_not_crash()
    {
        var rng = new Rng(11);
        var points = new double[100, 1];
        for (int i = 0; i < 100; i++) points[i, 0] = 10 * (i % 4) + 0.001 * rng.Normal();
        var kde = GaussianKde.FitCrossValidated(points);
        var search = kde.BandwidthSearch!;
        double s = search.PooledStd, delta = 0.04 * s;
        Assert.Equal(0, search.Grids[0].BestIndex);
        var zoom = search.Grids[1];
        Assert.Equal(delta, zoom.Bandwidths[0], 12);
        Assert.Equal(-delta, zoom.Bandwidths[^1], 12);
        for (int i = 0; i < 10; i++)
            if (zoom.Bandwidths[i] <= 0) Assert.Equal(double.NegativeInfinity, zoom.Scores[i]);
            else Assert.True(double.IsFinite(zoom.Scores[i]));
        Assert.InRange(kde.Bandwidth, 1e-12, 0.1 * s);
        Assert.True(double.IsFinite(kde.LogDensity([10])));
        Assert.Equal(5, kde.Sample(5, new Rng(1)).GetLength(0));
    }

    [Fact]
    public void Best_is_the_first_top_score_and_second_the_first_of_rank_two()
    {
        Assert.Equal(1, KdeBandwidthSearch.BestIndex([1, 5, 3, 4]));
        Assert.Equal(3, KdeBandwidthSearch.SecondIndex([1, 5, 3, 4]));
        // Min-rank: the two 3s share rank 2; the first of them in grid order is taken.
        Assert.Equal(1, KdeBandwidthSearch.SecondIndex([5, 3, 3, 1]));
        // Invalid (−∞) candidates rank last.
        Assert.Equal(2, KdeBandwidthSearch.SecondIndex([double.NegativeInfinity, 1, 2, 7, double.NegativeInfinity]));
        // A tie for the top leaves no rank 2 (upstream fails); the second tied winner is taken.
        Assert.Equal(4, KdeBandwidthSearch.SecondIndex([double.NegativeInfinity, 2, 7, 5, 7]));
        Assert.Equal(2, KdeBandwidthSearch.BestIndex([double.NegativeInfinity, 2, 7, 5, 7]));
    }

    [Fact]
    public void Linspace_matches_numpy()
    {
        var grid = KdeBandwidthSearch.Linspace(0.1, 0.5, 10);
        Assert.Equal(0.1, grid[0]);
        Assert.Equal(0.1 + 3 * ((0.5 - 0.1) / 9), grid[3]);
        Assert.Equal(0.5, grid[9]);
        Assert.Equal([0.5, 0.0, -0.5], KdeBandwidthSearch.Linspace(0.5, -0.5, 3));
    }

    [Fact]
    public void Bad_inputs_are_named()
    {
        Assert.Contains("at least 20 points", Assert.Throws<ArgumentException>(() => KdeBandwidthSearch.Run(new double[19, 2])).Message);
        Assert.Contains("no spread", Assert.Throws<ArgumentException>(() => KdeBandwidthSearch.Run(new double[20, 2])).Message);
        var withNaN = NormalPoints(30, 2, 1);
        withNaN[4, 1] = double.NaN;
        Assert.Contains("point 4", Assert.Throws<ArgumentException>(() => KdeBandwidthSearch.Run(withNaN)).Message);
        Assert.Contains("positive", Assert.Throws<ArgumentException>(() => new GaussianKde(ThreePoints, 0)).Message);
        Assert.Contains("2 weights for 3 points", Assert.Throws<ArgumentException>(() => new GaussianKde(ThreePoints, 1, [1, 1])).Message);
        Assert.Contains("non-negative", Assert.Throws<ArgumentException>(() => new GaussianKde(ThreePoints, 1, [1, -1, 1])).Message);
        Assert.Contains("sum to zero", Assert.Throws<ArgumentException>(() => new GaussianKde(ThreePoints, 1, [0, 0, 0])).Message);
        Assert.Contains("dimension 2", Assert.Throws<ArgumentException>(() => new GaussianKde(ThreePoints, 1).LogDensity([1.0])).Message);
    }
}
