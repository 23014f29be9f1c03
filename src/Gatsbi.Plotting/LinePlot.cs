using SkiaSharp;

namespace Gatsbi.Plotting;

/// <summary>
/// Line chart of named series over a shared x axis, e.g. discriminator and generator loss per epoch,
/// or C2ST accuracy per round. Non-finite y values (and non-positive ones on a log axis) leave gaps.
/// Shaded bands (an interval a reference would fall in), histogram bars and vertical marker lines can be
/// layered under the series; several charts can share one figure through <see cref="PlotGrid"/>.
/// </summary>
/// <example>
/// <code>
/// new LinePlot { Title = "Training", XLabel = "epoch", YLabel = "loss" }
///     .Add("discriminator", discriminatorLoss)
///     .Add("generator", generatorLoss)
///     .SavePng("losses.png");
/// </code>
/// </example>
public sealed class LinePlot
{
    private readonly List<Series> _series = [];
    private readonly List<Band> _bands = [];
    private readonly List<Bars> _bars = [];
    private readonly List<VerticalLine> _verticals = [];

    /// <summary>Title drawn centred above the plot area (shortened to fit the width); null for none.</summary>
    public string? Title { get; set; }

    /// <summary>Label drawn under the x axis; null for none.</summary>
    public string? XLabel { get; set; }

    /// <summary>Label drawn vertically left of the y axis; null for none.</summary>
    public string? YLabel { get; set; }

    /// <summary>Logarithmic x axis (e.g. simulation budgets); only points with positive x are drawn.</summary>
    public bool LogX { get; set; }

    /// <summary>Logarithmic y axis; the series must have positive values.</summary>
    public bool LogY { get; set; }

    /// <summary>Fixed x range; null spans the data.</summary>
    public AxisRange? XRange { get; set; }

    /// <summary>Fixed y range (positive on a log axis); null spans the data with 5 % padding.</summary>
    public AxisRange? YRange { get; set; }

    /// <summary>Draw the legend to the right of the plot area; <see cref="PlotGrid"/> turns it off for panels and draws one legend for the figure.</summary>
    public bool ShowLegend { get; set; } = true;

    /// <summary>Adds a series plotted at x = 1, 2, …, n (epochs counted from one).</summary>
    public LinePlot Add(string name, IReadOnlyList<double> y, SKColor? color = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        return Add(name, [.. Enumerable.Range(1, y.Count).Select(i => (double)i)], y, color);
    }

    /// <summary>Adds a series of (x, y) pairs, drawn in the given order.</summary>
    /// <param name="name">Legend entry; must be non-blank and differ from every name already added (series, bands, bars, lines).</param>
    /// <param name="x">x coordinates, one per point; copied.</param>
    /// <param name="y">y coordinates, as many as <paramref name="x"/>; non-finite values leave gaps. Copied.</param>
    /// <param name="color">Defaults to the first colour of <see cref="PlotColors.Cycle"/> not used yet.</param>
    /// <exception cref="ArgumentException">Bad or duplicate name, x and y of different lengths, or no point with finite x and y.</exception>
    public LinePlot Add(string name, IReadOnlyList<double> x, IReadOnlyList<double> y, SKColor? color = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"Series '{name}' has {x.Count} x values but {y.Count} y values.", nameof(y));
        }

        if (!Enumerable.Range(0, x.Count).Any(i => double.IsFinite(x[i]) && double.IsFinite(y[i])))
        {
            throw new ArgumentException($"Series '{name}' has no point with finite x and y.", nameof(y));
        }

        CheckNewName(name);
        _series.Add(new Series(name, [.. x], [.. y], color ?? PlotColors.NextFree(_series.Select(s => s.Color))));
        return this;
    }

    /// <summary>Adds a shaded band between <paramref name="lower"/> and <paramref name="upper"/> over <paramref name="x"/>, drawn beneath bars and series in the order added.</summary>
    /// <param name="name">Legend entry; must be non-blank and not used yet.</param>
    /// <param name="x">x coordinates of the band's edges, at least two, finite; copied.</param>
    /// <param name="lower">Lower edge at each <paramref name="x"/>; copied.</param>
    /// <param name="upper">Upper edge at each <paramref name="x"/>; copied.</param>
    /// <param name="color">Fill colour; its alpha is replaced by <paramref name="opacity"/>.</param>
    /// <param name="opacity">
    /// Alpha of the fill; the default (70) is translucent so grid lines and overlapping bands stay visible. Nested bands
    /// (a 50 % interval inside a 90 % one) use 255 with precomputed light colours, so the legend swatch matches the plot exactly.
    /// </param>
    /// <exception cref="ArgumentException">Bad or duplicate name, arrays of different lengths, fewer than two points, or a non-finite value.</exception>
    public LinePlot AddBand(string name, IReadOnlyList<double> x, IReadOnlyList<double> lower, IReadOnlyList<double> upper, SKColor color, byte opacity = Band.Alpha)
    {
        CheckNewName(name);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        if (lower.Count != x.Count || upper.Count != x.Count || x.Count < 2)
        {
            throw new ArgumentException($"Band '{name}' needs at least two points and as many lower and upper values as x values; got {x.Count}, {lower.Count} and {upper.Count}.", nameof(x));
        }

        if (x.Concat(lower).Concat(upper).Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException($"Band '{name}' has a non-finite value.", nameof(x));
        }

        _bands.Add(new Band(name, [.. x], [.. lower], [.. upper], color.WithAlpha(opacity)));
        return this;
    }

    /// <summary>Adds histogram bars: bar i spans <paramref name="edges"/>[i] to <paramref name="edges"/>[i + 1] with height <paramref name="heights"/>[i].</summary>
    /// <exception cref="ArgumentException">Bad or duplicate name, edges not one more than heights or not increasing, or a non-finite value.</exception>
    public LinePlot AddBars(string name, IReadOnlyList<double> edges, IReadOnlyList<double> heights, SKColor color)
    {
        CheckNewName(name);
        ArgumentNullException.ThrowIfNull(edges);
        ArgumentNullException.ThrowIfNull(heights);
        if (heights.Count < 1 || edges.Count != heights.Count + 1)
        {
            throw new ArgumentException($"Bars '{name}' need one edge more than heights; got {edges.Count} edges and {heights.Count} heights.", nameof(edges));
        }

        if (edges.Concat(heights).Any(v => !double.IsFinite(v)) || Enumerable.Range(1, heights.Count).Any(i => !(edges[i] > edges[i - 1])))
        {
            throw new ArgumentException($"Bars '{name}' need finite heights and finite, increasing edges.", nameof(edges));
        }

        _bars.Add(new Bars(name, [.. edges], [.. heights], color));
        return this;
    }

    /// <summary>Adds a vertical line across the whole plot at <paramref name="x"/>, e.g. an observed value among simulated ones.</summary>
    public LinePlot AddVerticalLine(string name, double x, SKColor color)
    {
        CheckNewName(name);
        if (!double.IsFinite(x))
        {
            throw new ArgumentException($"Vertical line '{name}' needs a finite x; got {x}.", nameof(x));
        }

        _verticals.Add(new VerticalLine(name, x, color));
        return this;
    }

    /// <summary>Renders the chart as PNG bytes.</summary>
    /// <exception cref="InvalidOperationException">Nothing to draw, or <see cref="LogY"/> with a series lacking positive values.</exception>
    public byte[] ToPng(int width = 1000, int height = 600)
    {
        PngFile.CheckSize(width, height);
        using var surface = PngFile.CreateSurface(width, height);
        Draw(surface.Canvas, width, height);
        return PngFile.Encode(surface);
    }

    /// <summary>Renders and writes the PNG atomically (temporary file in the same folder, then rename), creating the folder if needed.</summary>
    public void SavePng(string path, int width = 1000, int height = 600) => PngFile.WriteAtomic(path, ToPng(width, height));

    /// <summary>The legend entries: bands, bars, series, vertical lines.</summary>
    internal IEnumerable<(string Name, SKColor Color, LegendSwatch Swatch)> LegendEntries =>
        _bands.Select(b => (b.Name, b.Color, LegendSwatch.Box))
            .Concat(_bars.Select(b => (b.Name, b.Color, LegendSwatch.Box)))
            .Concat(_series.Select(s => (s.Name, s.Color, LegendSwatch.Line)))
            .Concat(_verticals.Select(v => (v.Name, v.Color, LegendSwatch.Line)));

    /// <summary>Draws the chart into the top-left <paramref name="width"/> × <paramref name="height"/> pixels of <paramref name="canvas"/>.</summary>
    internal void Draw(SKCanvas canvas, int width, int height)
    {
        Validate();
        new LinePlotRenderer(this, _series, _bands, _bars, _verticals).Draw(canvas, width, height);
    }

    private void CheckNewName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (LegendEntries.Any(e => e.Name == name))
        {
            throw new ArgumentException($"Something named '{name}' was already added.", nameof(name));
        }
    }

    private void Validate()
    {
        if (_series.Count + _bands.Count + _bars.Count == 0)
        {
            throw new InvalidOperationException("Add at least one series, band or set of bars before rendering a line plot.");
        }

        if (LogY)
        {
            var nonPositive = _series.FirstOrDefault(s => !s.Y.Any(v => double.IsFinite(v) && v > 0));
            if (nonPositive is not null)
            {
                throw new InvalidOperationException($"Series '{nonPositive.Name}' has no positive values to show on a log-scale y axis.");
            }

            if (YRange is { Min: <= 0 })
            {
                throw new InvalidOperationException($"YRange must be positive on a log-scale y axis; it starts at {YRange.Value.Min}.");
            }

            if (_bands.Count + _bars.Count > 0)
            {
                throw new InvalidOperationException("Bands and bars are drawn on linear y axes only.");
            }
        }
    }
}

internal sealed record Series(string Name, double[] X, double[] Y, SKColor Color);

/// <summary>A shaded band; <see cref="Color"/> includes the fill's alpha.</summary>
internal sealed record Band(string Name, double[] X, double[] Lower, double[] Upper, SKColor Color)
{
    /// <summary>Default opacity of the fill: light enough that bars and lines on top stay legible.</summary>
    public const byte Alpha = 70;
}

internal sealed record Bars(string Name, double[] Edges, double[] Heights, SKColor Color);

internal sealed record VerticalLine(string Name, double X, SKColor Color);
