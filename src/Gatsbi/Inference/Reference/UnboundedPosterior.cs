using Gatsbi.Distributions;

namespace Gatsbi.Inference.Reference;

/// <summary>
/// The unnormalised posterior p(θ)·p(x_o | θ) and the prior p(θ), both as densities of u = T⁻¹(θ) in the prior's
/// unbounded space: each gains the term log |det ∂θ/∂u|, so that MCMC and the proposal never step outside the support.
/// </summary>
internal sealed class UnboundedPosterior(IPrior prior, IDensity density, LogLikelihoodFunction logLikelihood)
{
    public IPrior Prior { get; } = prior;

    public SupportBijection Bijection { get; } = new(prior.Support, prior.Dimension);

    public int Dimension => Prior.Dimension;

    /// <summary>log p(θ(u)) + log p(x_o | θ(u)) + log |det ∂θ/∂u|, up to a constant; −∞ outside the support.</summary>
    /// <exception cref="InvalidOperationException">The likelihood returned NaN.</exception>
    public double LogDensity(ReadOnlySpan<double> u)
    {
        Span<float> theta = stackalloc float[Dimension];
        double logPrior = LogPrior(u, theta);
        if (double.IsNegativeInfinity(logPrior)) return logPrior;
        double logLik = logLikelihood(theta);
        if (double.IsNaN(logLik))
            throw new InvalidOperationException($"The log-likelihood is NaN at θ = ({string.Join(", ", theta.ToArray())}); it must be finite or −∞.");
        return logPrior + logLik;
    }

    /// <summary>The prior's log-density in u: log p(θ(u)) + log |det ∂θ/∂u|; writes θ(u) in float32, as the likelihood sees it, into <paramref name="theta"/>.</summary>
    public double LogPrior(ReadOnlySpan<double> u, Span<float> theta)
    {
        Span<double> exact = stackalloc double[Dimension];
        Bijection.ToParameters(u, exact);
        for (int j = 0; j < Dimension; j++) theta[j] = (float)exact[j];
        double logPrior = density.LogDensity(theta);
        if (double.IsNaN(logPrior) || double.IsNegativeInfinity(logPrior)) return double.NegativeInfinity;
        return logPrior + Bijection.LogAbsDetJacobian(u);
    }

    /// <summary>θ(u) in float32.</summary>
    public float[] ToParameters(ReadOnlySpan<float> u)
    {
        Span<double> wide = stackalloc double[Dimension], exact = stackalloc double[Dimension];
        for (int j = 0; j < Dimension; j++) wide[j] = u[j];
        Bijection.ToParameters(wide, exact);
        var theta = new float[Dimension];
        for (int j = 0; j < Dimension; j++) theta[j] = (float)exact[j];
        return theta;
    }

    /// <summary>u = T⁻¹(θ) for every row of prior draws, in float32; a draw on a bound maps to ±∞.</summary>
    public float[,] ToUnbounded(float[,] theta)
    {
        int n = theta.GetLength(0);
        var u = new float[n, Dimension];
        Span<double> row = stackalloc double[Dimension], mapped = stackalloc double[Dimension];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < Dimension; j++) row[j] = theta[i, j];
            Bijection.ToUnbounded(row, mapped);
            for (int j = 0; j < Dimension; j++) u[i, j] = (float)mapped[j];
        }
        return u;
    }
}
