using Gatsbi.Randomness;

namespace Gatsbi.Distributions;

/// <summary>
/// Independent log-normal coordinates: log θ_j ~ N(μ_j, σ_j²), with σ the standard deviation of the log
/// (the priors of sbibm's sir and lotka_volterra). Support (0, ∞) in every coordinate.
/// </summary>
public sealed class IndependentLogNormal : IPrior, IDensity
{
    private readonly double[] _logMean;
    private readonly double[] _logStd;

    /// <summary>log θ_j ~ N(<paramref name="logMean"/>_j, <paramref name="logStd"/>_j²) independently.</summary>
    /// <param name="logMean">Mean μ_j of log θ_j; finite.</param>
    /// <param name="logStd">Standard deviation σ_j of log θ_j (not the variance); positive.</param>
    /// <exception cref="ArgumentException">The arrays differ in length, a mean is not finite, or a standard deviation is not positive.</exception>
    public IndependentLogNormal(double[] logMean, double[] logStd)
    {
        if (logMean.Length != logStd.Length)
            throw new ArgumentException($"Log-normal prior: {logMean.Length} means but {logStd.Length} standard deviations.");
        for (int j = 0; j < logStd.Length; j++)
            if (!(logStd[j] > 0) || !double.IsFinite(logMean[j]))
                throw new ArgumentException($"Log-normal prior coordinate {j}: needs a finite mean and a positive std; got N({logMean[j]}, {logStd[j]}²).");
        _logMean = logMean;
        _logStd = logStd;
        Support = new Support(new float[logMean.Length], Enumerable.Repeat(float.PositiveInfinity, logMean.Length).ToArray());
    }

    /// <inheritdoc/>
    public int Dimension => _logMean.Length;

    /// <summary>(0, ∞) in every coordinate.</summary>
    public Support Support { get; }
    Support? IPrior.Support => Support;

    /// <summary>Draws <paramref name="count"/> rows (count × <see cref="Dimension"/>) as exp of normal draws.</summary>
    public float[,] Sample(int count, Rng rng)
    {
        var theta = new float[count, Dimension];
        for (int i = 0; i < count; i++)
            for (int j = 0; j < Dimension; j++)
                theta[i, j] = (float)Math.Exp(rng.Normal(_logMean[j], _logStd[j]));
        return theta;
    }

    /// <summary>Log-density of θ itself (the log-normal, Jacobian −Σ log θ_j included); −∞ when a coordinate is not positive.</summary>
    /// <exception cref="ArgumentException"><paramref name="theta"/> does not have <see cref="Dimension"/> values.</exception>
    public double LogDensity(ReadOnlySpan<float> theta)
    {
        if (theta.Length != Dimension)
            throw new ArgumentException($"θ has {theta.Length} values; this prior has dimension {Dimension}.");
        double sum = 0;
        for (int j = 0; j < Dimension; j++)
        {
            if (!(theta[j] > 0)) return double.NegativeInfinity;
            double logTheta = Math.Log(theta[j]);
            double z = (logTheta - _logMean[j]) / _logStd[j];
            sum += -0.5 * z * z - Math.Log(_logStd[j]) - 0.5 * Math.Log(2 * Math.PI) - logTheta;
        }
        return sum;
    }
}
