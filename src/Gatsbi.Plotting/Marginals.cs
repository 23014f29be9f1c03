namespace Gatsbi.Plotting;

/// <summary>One-dimensional summaries of a column: robust display range, histogram, kernel density.</summary>
internal static class Marginals
{
    private const double LowerQuantile = 0.005;
    private const double UpperQuantile = 0.995;
    private const double Padding = 0.08;

    /// <summary>
    /// The union of the 0.5 %–99.5 % quantile ranges of the columns (so a few outliers do not squeeze the bulk
    /// into a corner), widened to include <paramref name="alwaysShow"/> (marked points), plus 8 % padding per side.
    /// </summary>
    public static AxisRange RobustRange(IEnumerable<double[]> columns, IEnumerable<double> alwaysShow)
    {
        double lo = double.PositiveInfinity;
        double hi = double.NegativeInfinity;
        foreach (var column in columns)
        {
            double[] sorted = [.. column.Where(double.IsFinite)];
            Array.Sort(sorted);
            lo = Math.Min(lo, Quantile(sorted, LowerQuantile));
            hi = Math.Max(hi, Quantile(sorted, UpperQuantile));
        }

        foreach (double v in alwaysShow.Where(double.IsFinite))
        {
            lo = Math.Min(lo, v);
            hi = Math.Max(hi, v);
        }

        double span = hi - lo;
        if (!(span > 1e-12 * Math.Max(1, Math.Abs(hi))))
        {
            // A constant column: show a unit-scale window around it rather than a zero-width axis.
            span = Math.Max(Math.Abs(hi) * 0.2, 1);
            lo -= span / 2;
            hi += span / 2;
            return new AxisRange(lo, hi);
        }

        return new AxisRange(lo - Padding * span, hi + Padding * span);
    }

    /// <summary>Density-normalised counts in <paramref name="bins"/> equal bins over the range; values outside still count in the normaliser.</summary>
    public static double[] Histogram(double[] column, AxisRange range, int bins)
    {
        var counts = new double[bins];
        double width = (range.Max - range.Min) / bins;
        int total = 0;
        foreach (double v in column)
        {
            if (!double.IsFinite(v))
            {
                continue;
            }

            total++;
            int bin = (int)Math.Floor((v - range.Min) / width);
            if (v == range.Max)
            {
                bin = bins - 1;
            }

            if (bin >= 0 && bin < bins)
            {
                counts[bin]++;
            }
        }

        for (int i = 0; i < bins; i++)
        {
            counts[i] /= total * width;
        }

        return counts;
    }

    /// <summary>Gaussian KDE on <paramref name="gridPoints"/> points across the range, bandwidth by Scott's rule with a robust spread.</summary>
    public static double[] KernelDensity(IEnumerable<double> values, AxisRange range, int gridPoints)
    {
        double[] sorted = [.. values.Where(double.IsFinite)];
        Array.Sort(sorted);
        int n = sorted.Length;
        double mean = sorted.Average();
        double std = Math.Sqrt(sorted.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, n - 1));
        double iqrSigma = (Quantile(sorted, 0.75) - Quantile(sorted, 0.25)) / 1.349;
        double sigma = iqrSigma > 0 ? Math.Min(std, iqrSigma) : std;
        if (!(sigma > 0))
        {
            sigma = (range.Max - range.Min) / 50;
        }

        double h = 1.06 * sigma * Math.Pow(n, -0.2);
        var density = new double[gridPoints];
        double norm = 1 / (n * h * Math.Sqrt(2 * Math.PI));
        for (int k = 0; k < gridPoints; k++)
        {
            double x = range.Min + k * (range.Max - range.Min) / (gridPoints - 1);
            // Only samples within 5 bandwidths contribute measurably; the sort lets us visit just those.
            int start = LowerBound(sorted, x - 5 * h);
            double sum = 0;
            for (int i = start; i < n && sorted[i] <= x + 5 * h; i++)
            {
                double u = (x - sorted[i]) / h;
                sum += Math.Exp(-0.5 * u * u);
            }

            density[k] = sum * norm;
        }

        return density;
    }

    /// <summary>Quantile of sorted values by linear interpolation between order statistics (NumPy's default, Hyndman–Fan type 7).</summary>
    internal static double Quantile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0;
        int hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
