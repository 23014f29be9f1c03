namespace Gatsbi.Plotting;

/// <summary>
/// Pointwise summary of posterior samples of a profile (a value per position, e.g. the water depth in each of the
/// 100 cells of the shallow water model): mean, median and the central 50 % and 90 % intervals per position, and,
/// when the true profile is known, the fraction of positions where it lies inside each interval.
/// Quantiles interpolate linearly between order statistics (NumPy's default).
/// </summary>
/// <example>
/// <code>
/// var bands = ProfileBands.FromSamples("test case 1", trueDepth, posteriorSamples);
/// Console.WriteLine($"truth inside the 90 % band at {bands.Coverage90 * 100:F0} % of the cells");
/// </code>
/// </example>
public sealed class ProfileBands
{
    private ProfileBands(string title, double[]? truth, double[] mean, double[] median, double[] lower90, double[] upper90, double[] lower50, double[] upper50, int sampleCount)
    {
        Title = title;
        Truth = truth;
        Mean = mean;
        Median = median;
        Lower90 = lower90;
        Upper90 = upper90;
        Lower50 = lower50;
        Upper50 = upper50;
        SampleCount = sampleCount;
        Coverage90 = truth is null ? null : Coverage(truth, lower90, upper90);
        Coverage50 = truth is null ? null : Coverage(truth, lower50, upper50);
    }

    /// <summary>The case's name, as given to <see cref="FromSamples(string, IReadOnlyList{double}?, float[,])"/>.</summary>
    public string Title { get; }

    /// <summary>Number of positions n; the profile is plotted over positions 1, 2, …, n.</summary>
    public int Length => Mean.Count;

    /// <summary>Number of posterior samples (rows) the quantiles were computed from.</summary>
    public int SampleCount { get; }

    /// <summary>The true profile, or null when unknown.</summary>
    public IReadOnlyList<double>? Truth { get; }

    /// <summary>Posterior mean per position.</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>Posterior median (50 % quantile) per position.</summary>
    public IReadOnlyList<double> Median { get; }

    /// <summary>5 % quantile per position.</summary>
    public IReadOnlyList<double> Lower90 { get; }

    /// <summary>95 % quantile per position.</summary>
    public IReadOnlyList<double> Upper90 { get; }

    /// <summary>25 % quantile per position.</summary>
    public IReadOnlyList<double> Lower50 { get; }

    /// <summary>75 % quantile per position.</summary>
    public IReadOnlyList<double> Upper50 { get; }

    /// <summary>Fraction of positions where the truth lies in [5 %, 95 %] quantile (bounds included); null without a truth.</summary>
    public double? Coverage90 { get; }

    /// <summary>Fraction of positions where the truth lies in [25 %, 75 %] quantile (bounds included); null without a truth.</summary>
    public double? Coverage50 { get; }

    /// <summary>Summarises posterior samples, one row per sample and one column per position.</summary>
    /// <param name="title">Names the case in error messages and as the panel title of a <see cref="ProfilePlot"/>.</param>
    /// <param name="truth">The true profile with one value per column, or null.</param>
    /// <param name="samples">Samples × positions (at least one row and two columns), all finite.</param>
    /// <exception cref="ArgumentException">
    /// Empty title; no samples or fewer than two positions; a truth whose length differs from the number of columns;
    /// a non-finite sample or truth value. Messages name the case, and the lengths or the offending entry.
    /// </exception>
    public static ProfileBands FromSamples(string title, IReadOnlyList<double>? truth, float[,] samples) =>
        Create(title, truth, samples, v => v);

    /// <inheritdoc cref="FromSamples(string, IReadOnlyList{double}?, float[,])"/>
    public static ProfileBands FromSamples(string title, IReadOnlyList<double>? truth, double[,] samples) =>
        Create(title, truth, samples, v => v);

    /// <summary>Fraction of positions i with <paramref name="lower"/>[i] ≤ <paramref name="truth"/>[i] ≤ <paramref name="upper"/>[i].</summary>
    /// <exception cref="ArgumentException">The three lists differ in length or are empty.</exception>
    public static double Coverage(IReadOnlyList<double> truth, IReadOnlyList<double> lower, IReadOnlyList<double> upper)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        if (truth.Count == 0 || lower.Count != truth.Count || upper.Count != truth.Count)
        {
            throw new ArgumentException($"Coverage needs non-empty truth, lower and upper of one length; got {truth.Count}, {lower.Count} and {upper.Count}.", nameof(truth));
        }

        int inside = 0;
        for (int i = 0; i < truth.Count; i++)
        {
            if (lower[i] <= truth[i] && truth[i] <= upper[i])
            {
                inside++;
            }
        }

        return (double)inside / truth.Count;
    }

    private static ProfileBands Create<T>(string title, IReadOnlyList<double>? truth, T[,] samples, Func<T, double> toDouble)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        ArgumentNullException.ThrowIfNull(samples);
        int count = samples.GetLength(0);
        int length = samples.GetLength(1);
        if (count == 0)
        {
            throw new ArgumentException($"Profile case '{title}' has no posterior samples (0 rows).", nameof(samples));
        }

        if (length < 2)
        {
            throw new ArgumentException($"Profile case '{title}' has {length} position(s) (sample columns); a profile needs at least 2.", nameof(samples));
        }

        double[]? truthCopy = null;
        if (truth is not null)
        {
            if (truth.Count != length)
            {
                throw new ArgumentException(
                    $"Profile case '{title}': the truth has {truth.Count} values but the samples have {length} positions (columns).", nameof(truth));
            }

            truthCopy = [.. truth];
            int bad = Array.FindIndex(truthCopy, v => !double.IsFinite(v));
            if (bad >= 0)
            {
                throw new ArgumentException($"Profile case '{title}': the truth at position {bad + 1} is {truthCopy[bad]}.", nameof(truth));
            }
        }

        var mean = new double[length];
        var median = new double[length];
        var lower90 = new double[length];
        var upper90 = new double[length];
        var lower50 = new double[length];
        var upper50 = new double[length];
        var column = new double[count];
        for (int j = 0; j < length; j++)
        {
            double sum = 0;
            for (int i = 0; i < count; i++)
            {
                double v = toDouble(samples[i, j]);
                if (!double.IsFinite(v))
                {
                    throw new ArgumentException($"Profile case '{title}': sample {i} at position {j + 1} (column {j}) is {v}.", nameof(samples));
                }

                column[i] = v;
                sum += v;
            }

            Array.Sort(column);
            mean[j] = sum / count;
            median[j] = Marginals.Quantile(column, 0.5);
            lower90[j] = Marginals.Quantile(column, 0.05);
            upper90[j] = Marginals.Quantile(column, 0.95);
            lower50[j] = Marginals.Quantile(column, 0.25);
            upper50[j] = Marginals.Quantile(column, 0.75);
        }

        return new ProfileBands(title, truthCopy, mean, median, lower90, upper90, lower50, upper50, count);
    }
}
