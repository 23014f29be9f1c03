using System.Globalization;

namespace Gatsbi.Plotting;

/// <summary>Tick positions at "nice" numbers and their labels.</summary>
internal static class Ticks
{
    private static readonly double[] NiceMantissas = [1, 2, 2.5, 5, 10];

    /// <summary>
    /// Multiples of the smallest step from {1, 2, 2.5, 5} × 10^k that puts at most about
    /// <paramref name="maxCount"/> ticks inside [<paramref name="min"/>, <paramref name="max"/>].
    /// </summary>
    public static double[] Linear(double min, double max, int maxCount, bool integerSteps = false)
    {
        double minStep = (max - min) / Math.Max(1, maxCount);
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(minStep)));
        double step = NiceMantissas.Select(m => m * magnitude).First(s => s >= minStep * (1 - 1e-9));
        if (integerSteps)
        {
            // Epoch axes: a tick at 2.5 epochs means nothing.
            step = Math.Max(1, Math.Round(step));
        }

        var ticks = new List<double>();
        for (double k = Math.Ceiling(min / step - 1e-9); k * step <= max + step * 1e-9; k++)
        {
            double value = k * step;
            // k * step can leave rounding noise such as 5.551115123125783e-17 where 0 is meant.
            ticks.Add(Math.Abs(value) < step * 1e-9 ? 0 : value);
        }

        return [.. ticks];
    }

    /// <summary>Powers of ten inside the range; falls back to 1-2-5 multiples, then linear ticks, for ranges under a decade.</summary>
    public static double[] Log(double min, double max, int maxCount)
    {
        int lo = (int)Math.Ceiling(Math.Log10(min) - 1e-9);
        int hi = (int)Math.Floor(Math.Log10(max) + 1e-9);
        if (hi - lo + 1 >= 2)
        {
            int stride = (int)Math.Ceiling((hi - lo + 1) / (double)Math.Max(2, maxCount));
            return [.. Enumerable.Range(0, hi - lo + 1).Where(i => i % stride == 0).Select(i => Math.Pow(10, lo + i))];
        }

        var candidates = new List<double>();
        for (int e = lo - 1; e <= hi + 1; e++)
        {
            foreach (double m in new[] { 1.0, 2.0, 5.0 })
            {
                double v = m * Math.Pow(10, e);
                if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9))
                {
                    candidates.Add(v);
                }
            }
        }

        return candidates.Count >= 2 ? [.. candidates] : Linear(min, max, maxCount);
    }

    /// <summary>
    /// Labels with one shared number of decimals (so "0.0, 0.5, 1.0" line up) when <paramref name="uniform"/>,
    /// otherwise the shortest exact form per value (log axes: "0.01, 0.1, 1, 10").
    /// Very large or small magnitudes use scientific notation; minus signs are typographic (U+2212).
    /// </summary>
    public static string[] Format(IReadOnlyList<double> values, bool uniform = true)
    {
        if (values.Count == 0)
        {
            return [];
        }

        double maxAbs = values.Max(Math.Abs);
        bool scientific = maxAbs >= 1e5 || (maxAbs > 0 && maxAbs < 1e-3);
        string[] labels;
        if (!uniform)
        {
            labels = [.. values.Select(v => v.ToString(scientific ? "0.###e-0" : "0.######", CultureInfo.InvariantCulture))];
        }
        else
        {
            int decimals = Enumerable.Range(0, 7).FirstOrDefault(
                d => values.All(v => IsExact(scientific ? Mantissa(v) : v, d)), 6);
            string pattern = scientific
                ? (decimals == 0 ? "0e-0" : "0." + new string('0', decimals) + "e-0")
                : "F" + decimals.ToString(CultureInfo.InvariantCulture);
            // Zero stays "0" in scientific notation ("0e0" reads oddly); fixed notation pads it like its neighbours.
            labels = [.. values.Select(v => scientific && v == 0 ? "0" : v.ToString(pattern, CultureInfo.InvariantCulture))];
        }

        return [.. labels.Select(l => l.Replace('-', '\u2212'))];
    }

    /// <summary>
    /// Labels that fit: each stays within [<paramref name="low"/>, <paramref name="high"/>] (e.g. half the gap to a
    /// neighbouring panel) and clear of the previous one, so labels of adjacent panels can never collide.
    /// </summary>
    public static IEnumerable<(float Position, string Label)> VisibleLabels(
        double[] ticks, string[] labels, Func<double, float> toPixel, Func<string, float> extent, float low, float high, float spacing)
    {
        float previousEnd = float.NegativeInfinity;
        foreach (var (position, label) in ticks.Select((t, i) => (toPixel(t), labels[i])).OrderBy(p => p.Item1))
        {
            float half = extent(label) / 2;
            if (position - half >= low && position + half <= high && position - half >= previousEnd + spacing)
            {
                previousEnd = position + half;
                yield return (position, label);
            }
        }
    }

    private static bool IsExact(double value, int decimals)
    {
        double scaled = value * Math.Pow(10, decimals);
        return Math.Abs(scaled - Math.Round(scaled)) < 1e-6 * Math.Max(1, Math.Abs(scaled));
    }

    private static double Mantissa(double value) =>
        value == 0 ? 0 : value / Math.Pow(10, Math.Floor(Math.Log10(Math.Abs(value))));
}
