using Gatsbi.Randomness;

namespace Gatsbi.Diagnostics;

/// <summary>
/// The distribution theory the diagnostics need: binomial tails and quantiles (bands around histogram
/// counts, empirical coverage and ECDF values under uniformity) and the χ² upper tail (p-values).
/// </summary>
public static class UniformityStatistics
{
    /// <summary>P(X ≤ c) for every c = 0..n, X ~ Binomial(n, p).</summary>
    public static double[] BinomialCdf(int n, double p) => BinomialTails(n, p).Lower;

    /// <summary>
    /// Both tails of Binomial(n, p) for every count: Lower[c] = P(X ≤ c) and Upper[c] = P(X ≥ c). Each is
    /// summed from its own end, so small tail probabilities keep their relative accuracy (1 − CDF would not).
    /// </summary>
    public static (double[] Lower, double[] Upper) BinomialTails(int n, double p)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), $"A probability must lie in [0, 1]; got {p}.");
        var pmf = new double[n + 1];
        if (p == 0) pmf[0] = 1;
        else if (p == 1) pmf[n] = 1;
        else
        {
            double logN = RandomVariates.LogGamma(n + 1.0), logP = Math.Log(p), logQ = double.LogP1(-p);
            for (int c = 0; c <= n; c++)
                pmf[c] = Math.Exp(logN - RandomVariates.LogGamma(c + 1.0) - RandomVariates.LogGamma(n - c + 1.0) + c * logP + (n - c) * logQ);
        }
        var lower = new double[n + 1];
        var upper = new double[n + 1];
        double sum = 0;
        for (int c = 0; c <= n; c++) lower[c] = Math.Min(1, sum += pmf[c]);
        sum = 0;
        for (int c = n; c >= 0; c--) upper[c] = Math.Min(1, sum += pmf[c]);
        return (lower, upper);
    }

    /// <summary>The central interval [low, high] of Binomial(n, p) holding at least <paramref name="confidence"/> of its mass: each tail outside has at most (1 − confidence)/2.</summary>
    public static (int Low, int High) BinomialInterval(int n, double p, double confidence)
    {
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), $"Confidence must lie in (0, 1); got {confidence}.");
        var (lower, upper) = BinomialTails(n, p);
        double tail = (1 - confidence) / 2;
        int low = 0;
        while (low < n && lower[low] <= tail) low++;
        int high = n;
        while (high > 0 && upper[high] <= tail) high--;
        return (low, high);
    }

    /// <summary>Pearson's χ² statistic of <paramref name="counts"/> against equal expected counts, and its p-value with (bins − 1) degrees of freedom.</summary>
    public static (double Statistic, double PValue) ChiSquareUniform(IReadOnlyList<int> counts)
    {
        if (counts.Count < 2) throw new ArgumentException("A χ² test needs at least two bins.", nameof(counts));
        double total = counts.Sum();
        if (total == 0) return (double.NaN, double.NaN);
        double expected = total / counts.Count, chi = 0;
        foreach (int c in counts) chi += (c - expected) * (c - expected) / expected;
        return (chi, ChiSquareUpperTail(chi, counts.Count - 1));
    }

    /// <summary>P(χ²_k ≥ x): the regularized upper incomplete gamma function Q(k/2, x/2).</summary>
    public static double ChiSquareUpperTail(double x, int degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        if (double.IsNaN(x)) return double.NaN;
        return RegularizedGammaQ(degreesOfFreedom / 2.0, x / 2);
    }

    // Numerical Recipes' split: the power series converges fast below a + 1, Lentz's continued fraction above.
    private static double RegularizedGammaQ(double a, double x)
    {
        if (x <= 0) return 1;
        if (double.IsPositiveInfinity(x)) return 0;
        double logPrefactor = -x + a * Math.Log(x) - RandomVariates.LogGamma(a);
        if (x < a + 1)
        {
            double term = 1 / a, sum = term, ap = a;
            for (int n = 0; n < 10_000 && Math.Abs(term) > Math.Abs(sum) * 1e-16; n++)
            {
                ap += 1;
                term *= x / ap;
                sum += term;
            }
            return Math.Max(0, 1 - sum * Math.Exp(logPrefactor));
        }
        const double Tiny = 1e-300;
        double b = x + 1 - a, c = 1 / Tiny, d = 1 / b, h = d;
        for (int i = 1; i < 10_000; i++)
        {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.Abs(d) < Tiny) d = Tiny;
            c = b + an / c;
            if (Math.Abs(c) < Tiny) c = Tiny;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return Math.Exp(logPrefactor) * h;
    }
}
