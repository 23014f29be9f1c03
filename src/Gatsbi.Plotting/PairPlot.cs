using SkiaSharp;

namespace Gatsbi.Plotting;

/// <summary>
/// Corner plot of one or more sample sets: marginal histograms (or densities) on the diagonal,
/// pairwise scatter plots below it, the legend in the empty upper triangle.
/// </summary>
/// <example>
/// <code>
/// new PairPlot(["θ₁", "θ₂"]) { Title = "Two moons", Limits = [new(-1, 1), new(-1, 1)] }
///     .Add("reference", referenceSamples, PlotColors.Reference)
///     .Add("GATSBI", gatsbiSamples, PlotColors.Gatsbi)
///     .MarkPoint("true θ", [0.2, -0.4])
///     .SavePng("pairplot.png");
/// </code>
/// </example>
public sealed class PairPlot
{
    private readonly string[] _parameterNames;
    private readonly List<SampleSet> _sets = [];
    private readonly List<MarkedPoint> _points = [];

    /// <summary>An empty corner plot with one row and one column of panels per parameter.</summary>
    /// <param name="parameterNames">One axis label per sample column.</param>
    /// <exception cref="ArgumentException">No names, or an empty name.</exception>
    public PairPlot(IReadOnlyList<string> parameterNames)
    {
        ArgumentNullException.ThrowIfNull(parameterNames);
        if (parameterNames.Count == 0)
        {
            throw new ArgumentException("A pair plot needs at least one parameter name.", nameof(parameterNames));
        }

        for (int i = 0; i < parameterNames.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(parameterNames[i]))
            {
                throw new ArgumentException($"Parameter name {i} is empty.", nameof(parameterNames));
            }
        }

        _parameterNames = [.. parameterNames];
    }

    /// <summary>The axis labels, one per parameter; every sample set must have this many columns, in this order.</summary>
    public IReadOnlyList<string> ParameterNames => _parameterNames;

    /// <summary>Figure title drawn centred above the grid of panels; null for none.</summary>
    public string? Title { get; set; }

    /// <summary>
    /// Axis range per parameter (e.g. the prior's support); when null each range is computed from the data
    /// as a padded 0.5 %–99.5 % quantile range over all sets, widened to include marked points.
    /// </summary>
    /// <exception cref="ArgumentException">The count differs from the number of parameters, or a range is <c>default</c>.</exception>
    public IReadOnlyList<AxisRange>? Limits
    {
        get;
        set
        {
            if (value is not null)
            {
                if (value.Count != _parameterNames.Length)
                {
                    throw new ArgumentException(
                        $"Limits has {value.Count} ranges but there are {_parameterNames.Length} parameters.", nameof(value));
                }

                int bad = value.ToList().FindIndex(r => !r.IsValid);
                if (bad >= 0)
                {
                    throw new ArgumentException($"Limits[{bad}] ('{_parameterNames[bad]}') is empty (min must be below max).", nameof(value));
                }
            }

            field = value;
        }
    }

    /// <summary>How each marginal is drawn on the diagonal; <see cref="DiagonalStyle.Histogram"/> by default.</summary>
    public DiagonalStyle Diagonal { get; set; } = DiagonalStyle.Histogram;

    /// <summary>Scatter panels draw at most this many (evenly strided) samples per set; histograms always use every sample.</summary>
    public int MaxScatterPoints
    {
        get;
        set => field = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Must be positive.");
    } = 5000;

    /// <summary>Default image side: 1000 px for two parameters, growing by 300 px per parameter (capped at 4000).</summary>
    public static int DefaultSize(int parameterCount) => Math.Clamp(400 + 300 * parameterCount, 700, 4000);

    /// <summary>Adds a sample set (rows = samples, columns = parameters); sets are drawn in order, so add the reference first.</summary>
    /// <param name="name">Legend entry; non-blank and unique among the sets.</param>
    /// <param name="samples">Samples × parameters; copied. Non-finite entries are skipped, but every column needs a finite value.</param>
    /// <param name="color">Defaults to the first colour of <see cref="PlotColors.Cycle"/> not used yet.</param>
    /// <exception cref="ArgumentException">Bad name, duplicate name, column count differing from the parameter names, no rows, or a column without finite values.</exception>
    public PairPlot Add(string name, float[,] samples, SKColor? color = null) =>
        AddSet(name, samples, color, v => v);

    /// <inheritdoc cref="Add(string, float[,], SKColor?)"/>
    public PairPlot Add(string name, double[,] samples, SKColor? color = null) =>
        AddSet(name, samples, color, v => v);

    /// <summary>Marks a single point (e.g. the true parameter) with cross-hair lines in every panel and a legend entry.</summary>
    /// <exception cref="ArgumentException">Empty label, or <paramref name="values"/> does not hold one finite value per parameter.</exception>
    public PairPlot MarkPoint(string label, IReadOnlyList<double> values, SKColor? color = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != _parameterNames.Length)
        {
            throw new ArgumentException(
                $"Marked point '{label}' has {values.Count} values but there are {_parameterNames.Length} parameters.", nameof(values));
        }

        int bad = values.ToList().FindIndex(v => !double.IsFinite(v));
        if (bad >= 0)
        {
            throw new ArgumentException($"Marked point '{label}' has a non-finite value for '{_parameterNames[bad]}'.", nameof(values));
        }

        _points.Add(new MarkedPoint(label, [.. values], color ?? PlotColors.Truth));
        return this;
    }

    /// <summary>Renders the figure as PNG bytes, <paramref name="sizePixels"/> square (default <see cref="DefaultSize"/>).</summary>
    /// <exception cref="InvalidOperationException">No sample set was added.</exception>
    public byte[] ToPng(int? sizePixels = null)
    {
        if (_sets.Count == 0)
        {
            throw new InvalidOperationException("Add at least one sample set before rendering a pair plot.");
        }

        int size = sizePixels ?? DefaultSize(_parameterNames.Length);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 200, nameof(sizePixels));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, 10_000, nameof(sizePixels));

        var ranges = Limits?.ToArray() ?? [.. Enumerable.Range(0, _parameterNames.Length).Select(DataRange)];
        using var surface = PngFile.CreateSurface(size, size);
        new PairPlotRenderer(_parameterNames, _sets, _points, ranges, Title, Diagonal, MaxScatterPoints)
            .Draw(surface.Canvas, size);
        return PngFile.Encode(surface);
    }

    /// <summary>Renders and writes the PNG atomically (temporary file in the same folder, then rename), creating the folder if needed.</summary>
    public void SavePng(string path, int? sizePixels = null) => PngFile.WriteAtomic(path, ToPng(sizePixels));

    private AxisRange DataRange(int parameter) =>
        Marginals.RobustRange(_sets.Select(s => s.Columns[parameter]), _points.Select(p => p.Values[parameter]));

    private PairPlot AddSet<T>(string name, T[,] samples, SKColor? color, Func<T, double> toDouble)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_sets.Any(s => s.Name == name))
        {
            throw new ArgumentException($"A sample set named '{name}' was already added.", nameof(name));
        }

        var resolved = color ?? PlotColors.NextFree(_sets.Select(s => s.Color));
        _sets.Add(SampleSet.Create(name, samples, resolved, _parameterNames, toDouble));
        return this;
    }
}

internal sealed record MarkedPoint(string Label, double[] Values, SKColor Color);
