using Gatsbi.Randomness;

namespace Gatsbi.Inference.Abc;

/// <summary>
/// An isotropic Gaussian kernel density estimate with optional weights, with the semantics of scikit-learn's
/// <c>KernelDensity</c>, through which sbibm turns the accepted ABC particles into posterior samples:
/// p̂(y) = Σᵢ wᵢ N(y; Xᵢ, h²I) / Σᵢ wᵢ, with one bandwidth h for every dimension. Sampling picks a centre
/// in proportion to its weight and adds h·N(0, I). Nothing is truncated to a prior support (sbibm passes no
/// transform). Everything is computed in double; samples are returned as float.
/// </summary>
public sealed class GaussianKde
{
    private readonly double[,] _points;
    private readonly double[] _logWeights;
    private readonly WeightedPicker _picker;

    /// <summary>A KDE with the given <paramref name="bandwidth"/> on <paramref name="points"/> (rows are points).</summary>
    /// <param name="points">The centres, n × d; copied, so later changes to the array do not reach the KDE.</param>
    /// <param name="bandwidth">h, the kernel's standard deviation in every dimension, in the units of the points.</param>
    /// <param name="weights">One finite, non-negative weight per point with a positive sum (need not be normalised); null for equal weights.</param>
    /// <exception cref="ArgumentException">There are no points or no dimensions, a point is not finite, the bandwidth is not positive and finite, or the weights are invalid.</exception>
    public GaussianKde(double[,] points, double bandwidth, double[]? weights = null) : this(points, bandwidth, weights, null)
    {
    }

    private GaussianKde(double[,] points, double bandwidth, double[]? weights, KdeBandwidthSearch? search)
    {
        int n = points.GetLength(0);
        if (n == 0 || points.GetLength(1) == 0)
            throw new ArgumentException($"A KDE needs at least one point of at least one dimension; got {n}×{points.GetLength(1)}.");
        CheckFinite(points);
        if (!(double.IsFinite(bandwidth) && bandwidth > 0))
            throw new ArgumentException($"The KDE bandwidth must be positive and finite; got {bandwidth}.");
        _picker = new WeightedPicker(n, weights);
        _points = (double[,])points.Clone();
        double logTotal = weights is null ? Math.Log(n) : Math.Log(weights.Sum());
        _logWeights = new double[n];
        for (int i = 0; i < n; i++) _logWeights[i] = (weights is null ? 0 : Math.Log(weights[i])) - logTotal;
        Bandwidth = bandwidth;
        BandwidthSearch = search;
    }

    /// <summary>
    /// A KDE whose bandwidth is chosen by sbibm's cross-validated search (<see cref="KdeBandwidthSearch"/>).
    /// The search ignores <paramref name="weights"/>, as sbibm's does; the fitted KDE then uses them.
    /// The row order of <paramref name="points"/> fixes the cross-validation folds, so it changes the bandwidth.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// There are fewer than <see cref="KdeBandwidthSearch.Folds"/> points, the points have no spread, or a point or weight is invalid.
    /// </exception>
    public static GaussianKde FitCrossValidated(double[,] points, double[]? weights = null)
    {
        var search = KdeBandwidthSearch.Run(points);
        return new GaussianKde(points, search.Bandwidth, weights, search);
    }

    /// <summary>h, the standard deviation of the isotropic Gaussian kernel, in the units of the points.</summary>
    public double Bandwidth { get; }

    /// <summary>The number of kernel centres (the rows of the points).</summary>
    public int Count => _points.GetLength(0);

    /// <summary>d, the number of coordinates of each point.</summary>
    public int Dimension => _points.GetLength(1);

    /// <summary>How the bandwidth was chosen, when it was cross-validated; null for a given bandwidth.</summary>
    public KdeBandwidthSearch? BandwidthSearch { get; }

    /// <summary>
    /// log p̂(<paramref name="y"/>), the natural log of the normalised weighted mixture density, computed with a
    /// log-sum-exp so that points far from every centre give a finite (very negative) value rather than −∞.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> does not have <see cref="Dimension"/> values.</exception>
    public double LogDensity(ReadOnlySpan<double> y)
    {
        if (y.Length != Dimension)
            throw new ArgumentException($"The point has {y.Length} values; this KDE has dimension {Dimension}.");
        double twoH2 = 2 * Bandwidth * Bandwidth;
        var sum = new LogSumExp();
        for (int i = 0; i < Count; i++)
        {
            double d2 = 0;
            for (int j = 0; j < Dimension; j++)
            {
                double d = y[j] - _points[i, j];
                d2 += d * d;
            }
            sum.Add(_logWeights[i] - d2 / twoH2);
        }
        return sum.Value - 0.5 * Dimension * Math.Log(Math.PI * twoH2);
    }

    /// <summary>Draws <paramref name="count"/> points; the same <paramref name="rng"/> state gives the same points.</summary>
    public float[,] Sample(int count, Rng rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var samples = new float[count, Dimension];
        for (int s = 0; s < count; s++)
        {
            int centre = _picker.Pick(rng);
            for (int j = 0; j < Dimension; j++) samples[s, j] = (float)(_points[centre, j] + Bandwidth * rng.Normal());
        }
        return samples;
    }

    internal static void CheckFinite(double[,] points)
    {
        for (int i = 0; i < points.GetLength(0); i++)
            for (int j = 0; j < points.GetLength(1); j++)
                if (!double.IsFinite(points[i, j]))
                    throw new ArgumentException($"KDE point {i} has the non-finite value {points[i, j]} in dimension {j}.");
    }
}
