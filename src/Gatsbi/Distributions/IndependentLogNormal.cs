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

    public int Dimension => _logMean.Length;
    public Support Support { get; }
    Support? IPrior.Support => Support;

    public float[,] Sample(int count, Rng rng)
    {
        var theta = new float[count, Dimension];
        for (int i = 0; i < count; i++)
            for (int j = 0; j < Dimension; j++)
                theta[i, j] = (float)Math.Exp(rng.Normal(_logMean[j], _logStd[j]));
        return theta;
    }

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
