using Gatsbi.Numerics;
using Gatsbi.Randomness;

namespace Gatsbi.Distributions;

/// <summary>A multivariate normal N(μ, Σ), sampled as μ + L·z with the Cholesky factor L of Σ.</summary>
public sealed class MultivariateNormal : IPrior, IDensity
{
    private readonly double[] _mean;
    private readonly double[,] _choleskyFactor;
    private readonly double _logNormaliser;

    /// <summary>N(<paramref name="mean"/>, <paramref name="covariance"/>).</summary>
    /// <param name="mean">μ, one value per coordinate.</param>
    /// <param name="covariance">Σ, d × d, symmetric positive definite; only its lower triangle is read.</param>
    /// <exception cref="ArgumentException">The covariance is not d × d, or it is not positive definite.</exception>
    public MultivariateNormal(double[] mean, double[,] covariance)
    {
        if (covariance.GetLength(0) != mean.Length || covariance.GetLength(1) != mean.Length)
            throw new ArgumentException($"Normal: mean has {mean.Length} values but the covariance is {covariance.GetLength(0)}×{covariance.GetLength(1)}.");
        _mean = mean;
        _choleskyFactor = Cholesky.Factor(covariance);
        double logDet = 0;
        for (int j = 0; j < mean.Length; j++) logDet += 2 * Math.Log(_choleskyFactor[j, j]);
        _logNormaliser = -0.5 * (mean.Length * Math.Log(2 * Math.PI) + logDet);
    }

    /// <summary>N(μ, σ²·I) with variance <paramref name="variance"/> in every coordinate.</summary>
    public static MultivariateNormal Isotropic(double[] mean, double variance)
    {
        var covariance = new double[mean.Length, mean.Length];
        for (int j = 0; j < mean.Length; j++) covariance[j, j] = variance;
        return new MultivariateNormal(mean, covariance);
    }

    /// <summary>
    /// The normal with the sample mean and (n − 1)-divided covariance of the rows of <paramref name="samples"/>:
    /// the best Gaussian approximation of a distribution known by samples, a baseline for any posterior that
    /// should capture more than two moments.
    /// </summary>
    public static MultivariateNormal FitMoments(float[,] samples)
    {
        int n = samples.GetLength(0), d = samples.GetLength(1);
        if (n <= d) throw new ArgumentException($"Fitting a {d}-dimensional normal needs more than {d} samples; got {n}.", nameof(samples));
        var mean = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) mean[j] += samples[i, j] / (double)n;
        return new MultivariateNormal(mean, SampleCovariance.Weighted(samples, Enumerable.Repeat(1.0, n).ToArray()));
    }

    /// <summary>N(μ, P⁻¹) given the precision matrix P.</summary>
    public static MultivariateNormal FromPrecision(double[] mean, double[,] precision) =>
        new(mean, Cholesky.Inverse(precision));

    /// <inheritdoc/>
    public int Dimension => _mean.Length;

    /// <summary>Always null: a normal is unbounded.</summary>
    public Support? Support => null;

    /// <summary>μ, one value per coordinate.</summary>
    public IReadOnlyList<double> Mean => _mean;

    /// <summary>Marginal standard deviation of coordinate <paramref name="j"/>.</summary>
    public double MarginalStd(int j)
    {
        double variance = 0;
        for (int k = 0; k <= j; k++) variance += _choleskyFactor[j, k] * _choleskyFactor[j, k];
        return Math.Sqrt(variance);
    }

    /// <summary>Draws <paramref name="count"/> rows (count × <see cref="Dimension"/>), computed in double and rounded to float.</summary>
    public float[,] Sample(int count, Rng rng)
    {
        int d = Dimension;
        var theta = new float[count, d];
        var z = new double[d];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < d; j++) z[j] = rng.Normal();
            for (int j = 0; j < d; j++)
            {
                double value = _mean[j];
                for (int k = 0; k <= j; k++) value += _choleskyFactor[j, k] * z[k];
                theta[i, j] = (float)value;
            }
        }
        return theta;
    }

    /// <summary>The normal's log-density at <paramref name="theta"/>, normalising constant included.</summary>
    /// <exception cref="ArgumentException"><paramref name="theta"/> does not have <see cref="Dimension"/> values.</exception>
    public double LogDensity(ReadOnlySpan<float> theta)
    {
        if (theta.Length != Dimension)
            throw new ArgumentException($"θ has {theta.Length} values; this distribution has dimension {Dimension}.");
        Span<double> difference = stackalloc double[Dimension];
        for (int i = 0; i < difference.Length; i++) difference[i] = theta[i] - _mean[i];
        return _logNormaliser - 0.5 * Cholesky.SquaredWhitenedNorm(_choleskyFactor, difference);
    }
}
