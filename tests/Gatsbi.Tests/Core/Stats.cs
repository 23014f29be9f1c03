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

    /// <summary>
    /// Asserts that the logs of <paramref name="count"/> draws of <paramref name="prior"/> have the given means and
    /// standard deviations per coordinate: SE(mean) = σ/√n and SE(std) ≈ σ/√(2n), 5 SE bounds.
    /// </summary>
    public static void AssertLogNormal(Gatsbi.Distributions.IPrior prior, double[] logMeans, double[] logStds, int count, ulong seed)
    {
        var theta = prior.Sample(count, new Gatsbi.Randomness.Rng(seed));
        for (int j = 0; j < logMeans.Length; j++)
        {
            var logs = Enumerable.Range(0, count).Select(i => Math.Log(theta[i, j])).ToArray();
            double seMean = logStds[j] / Math.Sqrt(count), seStd = logStds[j] / Math.Sqrt(2.0 * count);
            Assert.InRange(Mean(logs), logMeans[j] - 5 * seMean, logMeans[j] + 5 * seMean);
            Assert.InRange(Std(logs), logStds[j] - 5 * seStd, logStds[j] + 5 * seStd);
        }
    }
}
