using SkiaSharp;

namespace Gatsbi.Plotting;

/// <summary>
/// Line chart of named series over a shared x axis, e.g. discriminator and generator loss per epoch,
/// or C2ST accuracy per round. Non-finite y values (and non-positive ones on a log axis) leave gaps.
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

    public string? Title { get; set; }

    public string? XLabel { get; set; }

    public string? YLabel { get; set; }

    /// <summary>Logarithmic x axis (e.g. simulation budgets); only points with positive x are drawn.</summary>
    public bool LogX { get; set; }

    /// <summary>Logarithmic y axis; the series must have positive values.</summary>
    public bool LogY { get; set; }

    /// <summary>Fixed x range; null spans the data.</summary>
    public AxisRange? XRange { get; set; }

    /// <summary>Fixed y range (positive on a log axis); null spans the data with 5 % padding.</summary>
    public AxisRange? YRange { get; set; }

    /// <summary>Adds a series plotted at x = 1, 2, …, n (epochs counted from one).</summary>
    public LinePlot Add(string name, IReadOnlyList<double> y, SKColor? color = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        return Add(name, [.. Enumerable.Range(1, y.Count).Select(i => (double)i)], y, color);
    }

    /// <summary>Adds a series of (x, y) pairs, drawn in the given order.</summary>
    /// <param name="color">Defaults to the first colour of <see cref="PlotColors.Cycle"/> not used yet.</param>
    /// <exception cref="ArgumentException">Bad or duplicate name, x and y of different lengths, or no point with finite x and y.</exception>
    public LinePlot Add(string name, IReadOnlyList<double> x, IReadOnlyList<double> y, SKColor? color = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (_series.Any(s => s.Name == name))
        {
            throw new ArgumentException($"A series named '{name}' was already added.", nameof(name));
        }

        if (x.Count != y.Count)
        {
            throw new ArgumentException($"Series '{name}' has {x.Count} x values but {y.Count} y values.", nameof(y));
        }

        if (!Enumerable.Range(0, x.Count).Any(i => double.IsFinite(x[i]) && double.IsFinite(y[i])))
        {
            throw new ArgumentException($"Series '{name}' has no point with finite x and y.", nameof(y));
        }

        _series.Add(new Series(name, [.. x], [.. y], color ?? PlotColors.NextFree(_series.Select(s => s.Color))));
        return this;
    }

    /// <summary>Renders the chart as PNG bytes.</summary>
    /// <exception cref="InvalidOperationException">No series, or <see cref="LogY"/> with a series lacking positive values.</exception>
    public byte[] ToPng(int width = 1000, int height = 600)
    {
        if (_series.Count == 0)
        {
            throw new InvalidOperationException("Add at least one series before rendering a line plot.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(width, 200);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 10_000);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 150);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, 10_000);
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
        }

        using var surface = PngFile.CreateSurface(width, height);
        new LinePlotRenderer(this, _series).Draw(surface.Canvas, width, height);
        return PngFile.Encode(surface);
    }

    /// <summary>Renders and writes the PNG atomically (temporary file in the same folder, then rename), creating the folder if needed.</summary>
    public void SavePng(string path, int width = 1000, int height = 600) => PngFile.WriteAtomic(path, ToPng(width, height));
}

internal sealed record Series(string Name, double[] X, double[] Y, SKColor Color);
