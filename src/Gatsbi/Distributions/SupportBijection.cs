namespace Gatsbi.Distributions;

/// <summary>
/// A bijection u ↦ θ from ℝ^d onto the inside of a support, column by column and in double precision: the scaled
/// logistic θ = low + (high − low)·σ(u) where both bounds are finite, θ = low + eᵘ where only the lower one is,
/// θ = high − e⁻ᵘ where only the upper one is, and the identity on unbounded columns (the transforms sbi and
/// sbibm use to run MCMC in an unconstrained space). A density p(θ) becomes p(θ(u))·|det ∂θ/∂u| in u, which
/// <see cref="LogAbsDetJacobian"/> supplies.
/// </summary>
public sealed class SupportBijection
{
    private readonly double[] low;
    private readonly double[] high;

    /// <summary>The bijection onto <paramref name="support"/>; null gives the identity on <paramref name="dimension"/> columns.</summary>
    /// <exception cref="ArgumentException">The support's dimension differs from <paramref name="dimension"/>, or a column's lower bound is not below its upper bound.</exception>
    public SupportBijection(Support? support, int dimension)
    {
        if (support is not null && support.Dimension != dimension)
            throw new ArgumentException($"The support has dimension {support.Dimension}; expected {dimension}.", nameof(support));
        low = support?.Low.Select(v => (double)v).ToArray() ?? Enumerable.Repeat(double.NegativeInfinity, dimension).ToArray();
        high = support?.High.Select(v => (double)v).ToArray() ?? Enumerable.Repeat(double.PositiveInfinity, dimension).ToArray();
        for (int j = 0; j < dimension; j++)
            if (!(low[j] < high[j]))
                throw new ArgumentException($"Column {j + 1} of the support is [{low[j]}, {high[j]}]; the lower bound must be below the upper one.", nameof(support));
    }

    /// <summary>Number of columns.</summary>
    public int Dimension => low.Length;

    /// <summary>θ = T(u), written into <paramref name="theta"/>.</summary>
    public void ToParameters(ReadOnlySpan<double> u, Span<double> theta)
    {
        for (int j = 0; j < low.Length; j++)
        {
            bool hasLow = double.IsFinite(low[j]), hasHigh = double.IsFinite(high[j]);
            theta[j] = (hasLow, hasHigh) switch
            {
                (true, true) => low[j] + (high[j] - low[j]) * Sigmoid(u[j]),
                (true, false) => low[j] + Math.Exp(u[j]),
                (false, true) => high[j] - Math.Exp(-u[j]),
                _ => u[j],
            };
        }
    }

    /// <summary>
    /// u = T⁻¹(θ), written into <paramref name="u"/>. A θ on a finite bound maps to ±∞, which callers must treat as
    /// outside the (open) support.
    /// </summary>
    public void ToUnbounded(ReadOnlySpan<double> theta, Span<double> u)
    {
        for (int j = 0; j < low.Length; j++)
        {
            bool hasLow = double.IsFinite(low[j]), hasHigh = double.IsFinite(high[j]);
            u[j] = (hasLow, hasHigh) switch
            {
                (true, true) => Logit((theta[j] - low[j]) / (high[j] - low[j])),
                (true, false) => Math.Log(theta[j] - low[j]),
                (false, true) => -Math.Log(high[j] - theta[j]),
                _ => theta[j],
            };
        }
    }

    /// <summary>log |det ∂θ/∂u| at <paramref name="u"/>: the term that turns a log-density in θ into one in u.</summary>
    public double LogAbsDetJacobian(ReadOnlySpan<double> u)
    {
        double sum = 0;
        for (int j = 0; j < low.Length; j++)
        {
            bool hasLow = double.IsFinite(low[j]), hasHigh = double.IsFinite(high[j]);
            sum += (hasLow, hasHigh) switch
            {
                // log σ(u) + log(1 − σ(u)) = −softplus(−u) − softplus(u), stable for large |u|.
                (true, true) => Math.Log(high[j] - low[j]) - Softplus(-u[j]) - Softplus(u[j]),
                (true, false) => u[j],
                (false, true) => -u[j],
                _ => 0,
            };
        }
        return sum;
    }

    private static double Sigmoid(double u) => u >= 0 ? 1 / (1 + Math.Exp(-u)) : Math.Exp(u) / (1 + Math.Exp(u));

    private static double Logit(double p) => Math.Log(p) - Math.Log(1 - p);

    private static double Softplus(double v) => v > 0 ? v + Math.Log(1 + Math.Exp(-v)) : Math.Log(1 + Math.Exp(v));
}
