using System.Numerics;

namespace Gatsbi.Metrics;

/// <summary>
/// Maximum mean discrepancy with a Gaussian kernel as sbibm computes it (sbibm/metrics/mmd.py and
/// sbibm/third_party/igms/main.py in github.com/sbi-benchmark/sbibm, default "tp_sutherland" path): the unbiased
/// estimate of MMD² between the reference set <c>x</c> and the set <c>y</c> under test,
/// mean_{i≠j} k(xᵢ, xⱼ) + mean_{i≠j} k(yᵢ, yⱼ) − 2·mean_{i,j} k(xᵢ, yⱼ), with k(a, b) = exp(−‖a − b‖²/(2σ²))
/// and σ by default the median pairwise distance within <c>x</c>.
/// Each row's kernel sum is accumulated in double and stored; the rows are then added in order, so the
/// result does not depend on how rows were spread over threads.
/// </summary>
public static class Mmd
{
    /// <summary>The unbiased MMD² between <paramref name="x"/> and <paramref name="y"/>, and the bandwidth it used.</summary>
    /// <param name="x">The reference set, n × D with n ≥ 2; it alone fixes the z-scoring and, by default, the bandwidth.</param>
    /// <param name="y">The set under test, m × D with m ≥ 2.</param>
    /// <param name="options">Z-scoring, bandwidth rule and threads; <see cref="MmdOptions"/>' defaults (sbibm's) when null.</param>
    /// <param name="cancellation">Checked between rows of the kernel sums.</param>
    /// <returns>MMD² and σ; both NaN when either set holds a NaN or ±∞. The value does not depend on the thread count.</returns>
    /// <exception cref="ArgumentException">The sets differ in column count, have no columns or fewer than 2 rows; the options are invalid;
    /// a z-scored column of <paramref name="x"/> is constant; or the median bandwidth is zero (mostly repeated rows).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public static MmdResult Compute(float[,] x, float[,] y, MmdOptions? options = null, CancellationToken cancellation = default)
    {
        options ??= new MmdOptions();
        options.Validate();
        CheckShapes(x, y);
        // sbibm returns NaN for NaN input; an infinity becomes NaN in its ‖a‖² + ‖b‖² − 2a·b just the same.
        if (!AllFinite(x) || !AllFinite(y)) return new MmdResult(double.NaN, double.NaN);

        var (shift, scale) = options.ZScore ? ReferenceScaling.ZScore(x) : ReferenceScaling.Identity(x.GetLength(1));
        var xs = SampleColumns.From(x, shift, scale);
        var ys = SampleColumns.From(y, shift, scale);
        int threads = options.Threads;

        double sigma = options.Bandwidth.Rule switch
        {
            MmdBandwidthRule.Fixed => options.Bandwidth.Value,
            MmdBandwidthRule.MedianOfXY => PairwiseDistanceMedian.Of(SampleColumns.Concat(xs, ys), threads, cancellation),
            _ => PairwiseDistanceMedian.Of(xs, threads, cancellation),
        };
        if (sigma == 0)
            throw new ArgumentException("The MMD bandwidth from the median heuristic is zero: at least half of the pairwise distances are zero (repeated rows), so the kernel is undefined.");

        double negativeGamma = -1 / (2 * sigma * sigma);
        double withinX = WithinSetMean(xs, negativeGamma, threads, cancellation);
        double withinY = WithinSetMean(ys, negativeGamma, threads, cancellation);
        double between = BetweenSetsMean(xs, ys, negativeGamma, threads, cancellation);
        return new MmdResult(withinX + withinY - 2 * between, sigma);
    }

    /// <summary>Mean of k(aᵢ, aⱼ) over i ≠ j, from the pairs i &lt; j alone since the kernel is symmetric.</summary>
    private static double WithinSetMean(SampleColumns a, double negativeGamma, int threads, CancellationToken cancellation)
    {
        int n = a.Count;
        var rowSums = new double[n - 1];
        RowLoop.Run(n - 1, threads, cancellation,
            () => new RowDistances(a.Dimension, n),
            (i, row) => rowSums[i] = KernelSum(row.Compute(a, i, a, i + 1, n - i - 1), negativeGamma));
        return 2 * SumInOrder(rowSums) / ((double)n * (n - 1));
    }

    /// <summary>Mean of k(aᵢ, bⱼ) over all i, j.</summary>
    private static double BetweenSetsMean(SampleColumns a, SampleColumns b, double negativeGamma, int threads, CancellationToken cancellation)
    {
        var rowSums = new double[a.Count];
        RowLoop.Run(a.Count, threads, cancellation,
            () => new RowDistances(a.Dimension, b.Count),
            (i, row) => rowSums[i] = KernelSum(row.Compute(a, i, b, 0, b.Count), negativeGamma));
        return SumInOrder(rowSums) / ((double)a.Count * b.Count);
    }

    /// <summary>Σ exp(−γ·d²) over the squared distances, several per vector instruction; lanes are added in a fixed order.</summary>
    private static double KernelSum(ReadOnlySpan<double> squaredDistances, double negativeGamma)
    {
        int width = Vector<double>.Count;
        var scale = new Vector<double>(negativeGamma);
        var lanes = Vector<double>.Zero;
        int r = 0;
        for (; r <= squaredDistances.Length - width; r += width)
            lanes += Vector.Exp(new Vector<double>(squaredDistances[r..]) * scale);
        double sum = 0;
        for (int lane = 0; lane < width; lane++) sum += lanes[lane];
        for (; r < squaredDistances.Length; r++) sum += Math.Exp(squaredDistances[r] * negativeGamma);
        return sum;
    }

    private static double SumInOrder(double[] values)
    {
        double sum = 0;
        foreach (double v in values) sum += v;
        return sum;
    }

    private static void CheckShapes(float[,] x, float[,] y)
    {
        int d = x.GetLength(1);
        if (y.GetLength(1) != d)
            throw new ArgumentException($"MMD needs sample sets of equal dimension; the first has {d} columns, the second {y.GetLength(1)}.");
        if (d == 0) throw new ArgumentException("MMD needs at least one column.");
        int nx = x.GetLength(0), ny = y.GetLength(0);
        if (nx < 2 || ny < 2)
            throw new ArgumentException($"MMD needs at least 2 samples in each set (the unbiased estimate leaves out the i = j pairs); got {nx} and {ny}.");
    }

    private static bool AllFinite(float[,] samples)
    {
        foreach (float v in samples)
            if (!float.IsFinite(v)) return false;
        return true;
    }
}
