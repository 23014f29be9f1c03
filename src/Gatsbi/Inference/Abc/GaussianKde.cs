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
    /// </summary>
    public static GaussianKde FitCrossValidated(double[,] points, double[]? weights = null)
    {
        var search = KdeBandwidthSearch.Run(points);
        return new GaussianKde(points, search.Bandwidth, weights, search);
    }

    public double Bandwidth { get; }
    public int Count => _points.GetLength(0);
    public int Dimension => _points.GetLength(1);

    /// <summary>How the bandwidth was chosen, when it was cross-validated; null for a given bandwidth.</summary>
    public KdeBandwidthSearch? BandwidthSearch { get; }

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
