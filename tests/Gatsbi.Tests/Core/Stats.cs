namespace Gatsbi.Tests.Core;

/// <summary>Plain double-precision sample statistics for the statistical tests.</summary>
public static class Stats
{
    public static double Mean(IReadOnlyList<double> values) => values.Average();

    /// <summary>Unbiased (n − 1) sample variance.</summary>
    public static double Variance(IReadOnlyList<double> values)
    {
        double mean = Mean(values), ss = 0;
        foreach (double v in values) ss += (v - mean) * (v - mean);
        return ss / (values.Count - 1);
    }

    public static double Std(IReadOnlyList<double> values) => Math.Sqrt(Variance(values));

    /// <summary>Central moment of order <paramref name="k"/> (divisor n).</summary>
    public static double CentralMoment(IReadOnlyList<double> values, int k)
    {
        double mean = Mean(values), s = 0;
        foreach (double v in values) s += Math.Pow(v - mean, k);
        return s / values.Count;
    }

    /// <summary>Pearson's χ² statistic of observed counts against equal expected counts.</summary>
    public static double ChiSquareUniform(IReadOnlyList<int> counts)
    {
        double expected = counts.Sum() / (double)counts.Count, chi = 0;
        foreach (int c in counts) chi += (c - expected) * (c - expected) / expected;
        return chi;
    }

    /// <summary>Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, absolute error below 1.5e-7).</summary>
    public static double NormalCdf(double x)
    {
        double z = Math.Abs(x) / Math.Sqrt(2);
        double t = 1 / (1 + 0.3275911 * z);
        double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-z * z);
        return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
