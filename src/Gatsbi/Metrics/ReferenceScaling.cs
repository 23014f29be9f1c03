namespace Gatsbi.Metrics;

/// <summary>
/// sbibm's z-scoring for its metrics: both sample sets are shifted and scaled by the reference set's column
/// means and (n − 1) standard deviations, so the reference alone fixes the scale.
/// </summary>
internal static class ReferenceScaling
{
    public static (double[] Shift, double[] Scale) ZScore(float[,] reference)
    {
        int n = reference.GetLength(0), d = reference.GetLength(1);
        var mean = new double[d];
        var std = new double[d];
        for (int j = 0; j < d; j++)
        {
            double m = 0;
            for (int i = 0; i < n; i++) m += reference[i, j];
            m /= n;
            double ss = 0;
            for (int i = 0; i < n; i++) ss += (reference[i, j] - m) * (reference[i, j] - m);
            double s = Math.Sqrt(ss / (n - 1));
            if (s == 0) throw new ArgumentException($"Column {j + 1} of the first sample set is constant; z-scoring by its standard deviation is undefined.");
            mean[j] = m;
            std[j] = s;
        }
        return (mean, std);
    }

    public static (double[] Shift, double[] Scale) Identity(int dimension) => (new double[dimension], Enumerable.Repeat(1.0, dimension).ToArray());
}
