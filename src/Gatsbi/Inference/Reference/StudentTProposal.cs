using Gatsbi.Numerics;
using Gatsbi.Randomness;

namespace Gatsbi.Inference.Reference;

/// <summary>
/// A multivariate Student-t with 3 degrees of freedom at the mean and covariance of the MCMC draws: the
/// proposal's heavy-tailed safety net. A flow fitted to a few thousand draws underestimates the tails of a narrow
/// posterior, and the prior is too wide to make up for it there, so the ratio p̃/q, and with it the rejection
/// bound, grows large. A t whose scale matches the posterior's decays only polynomially, so near a roughly
/// elliptical posterior p̃/q stays within a small multiple of 1/(its weight) wherever the flow is thin.
/// </summary>
internal sealed class StudentTProposal
{
    /// <summary>Degrees of freedom: an integer, so that the χ² variate is a sum of squared normals.</summary>
    private const int Degrees = 3;

    private readonly double[] mean;
    private readonly double[,] factor;
    private readonly double logNormaliser;

    /// <summary>The t at the mean and covariance of <paramref name="draws"/> (rows × d); a jitter of 10⁻⁹ of the mean variance keeps a degenerate covariance factorisable.</summary>
    public StudentTProposal(float[,] draws)
    {
        int n = draws.GetLength(0), d = draws.GetLength(1);
        var covariance = SampleCovariance.Weighted(draws, Enumerable.Repeat(1.0, n).ToArray());
        double jitter = 1e-9 * Enumerable.Range(0, d).Average(j => covariance[j, j]) + 1e-300;
        for (int j = 0; j < d; j++) covariance[j, j] += jitter;
        factor = Cholesky.Factor(covariance);
        mean = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) mean[j] += draws[i, j] / (double)n;
        double logDeterminantHalf = 0;
        for (int j = 0; j < d; j++) logDeterminantHalf += Math.Log(factor[j, j]);
        logNormaliser = RandomVariates.LogGamma((Degrees + d) / 2.0) - RandomVariates.LogGamma(Degrees / 2.0)
                        - d / 2.0 * Math.Log(Degrees * Math.PI) - logDeterminantHalf;
    }

    public int Dimension => mean.Length;

    /// <summary>One draw into <paramref name="u"/>: m + L·z·√(ν/χ²_ν).</summary>
    public void Sample(Rng rng, Span<float> u)
    {
        int d = Dimension;
        Span<double> z = stackalloc double[d];
        for (int j = 0; j < d; j++) z[j] = rng.Normal();
        double chiSquare = 0;
        for (int k = 0; k < Degrees; k++)
        {
            double v = rng.Normal();
            chiSquare += v * v;
        }
        double scale = Math.Sqrt(Degrees / chiSquare);
        for (int i = 0; i < d; i++)
        {
            double sum = mean[i];
            for (int j = 0; j <= i; j++) sum += factor[i, j] * z[j] * scale;
            u[i] = (float)sum;
        }
    }

    /// <summary>log t(u): the normaliser minus ((ν + d)/2)·log(1 + |L⁻¹(u − m)|²/ν).</summary>
    public double LogDensity(ReadOnlySpan<double> u)
    {
        Span<double> difference = stackalloc double[Dimension];
        for (int i = 0; i < difference.Length; i++) difference[i] = u[i] - mean[i];
        double squared = Cholesky.SquaredWhitenedNorm(factor, difference);
        return logNormaliser - (Degrees + Dimension) / 2.0 * Math.Log(1 + squared / Degrees);
    }
}
