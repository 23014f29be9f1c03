namespace Gatsbi.Numerics;

/// <summary>Sample covariance of the rows of a matrix.</summary>
internal static class SampleCovariance
{
    /// <summary>
    /// NumPy's <c>cov(θ, rowvar=False, aweights=w)</c> with its default ddof = 1:
    /// m = Σ wᵢθᵢ / Σw and Cov = Σ wᵢ(θᵢ − m)(θᵢ − m)ᵀ / (Σw − Σw²/Σw). With equal weights this is the
    /// unbiased covariance, divided by n − 1.
    /// </summary>
    public static double[,] Weighted(float[,] theta, IReadOnlyList<double> weights)
    {
        int n = theta.GetLength(0), d = theta.GetLength(1);
        double sum = weights.Sum(), sumOfSquares = weights.Sum(w => w * w);
        var mean = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) mean[j] += weights[i] * theta[i, j] / sum;
        var covariance = new double[d, d];
        double denominator = sum - sumOfSquares / sum;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
                for (int k = 0; k < d; k++)
                    covariance[j, k] += weights[i] * (theta[i, j] - mean[j]) * (theta[i, k] - mean[k]) / denominator;
        return covariance;
    }
}
