using SkiaSharp;

namespace Gatsbi.Plotting;

/// <summary>
/// Posterior bands over a profile for several test cases (the shallow water model's 100-cell depth profile): one
/// <see cref="LinePlot"/> panel per case with the central 90 % band shaded, the 50 % band darker, the posterior mean
/// (or median) and the true profile, laid out by <see cref="PlotGrid"/> with one legend.
/// <see cref="Cases"/> holds the numbers behind each panel, including the coverage of the truth.
/// </summary>
/// <example>
/// <code>
/// var plot = new ProfilePlot { Title = "Shallow water: posterior over the depth profile" };
/// for (int k = 0; k &lt; 3; k++) plot.Add($"test case {k + 1}", trueDepths[k], posteriorSamples[k]);
/// plot.SavePng("profiles.png");
/// foreach (var c in plot.Cases) Console.WriteLine($"{c.Title}: truth inside the 90 % band at {c.Coverage90 * 100:F0} % of the cells");
/// </code>
/// </example>
public sealed class ProfilePlot
{
    private readonly List<ProfileBands> _cases = [];

    /// <summary>Figure title drawn above all panels; null for none.</summary>
    public string? Title { get; set; }

    /// <summary>x-axis label of every panel; "cell" by default, for the shallow water model's depth profile.</summary>
    public string? XLabel { get; set; } = "cell";

    /// <summary>y-axis label of every panel; "depth (m)" by default.</summary>
    public string? YLabel { get; set; } = "depth (m)";

    /// <summary>Panels per row; null chooses up to three.</summary>
    public int? Columns { get; set; }

    /// <summary>One y range for every panel, so cases can be compared by eye; null spans each panel's own data.</summary>
    public AxisRange? YRange { get; set; }

    /// <summary>Also shade the central 50 % band, darker, inside the 90 % band.</summary>
    public bool ShowInnerBand { get; set; } = true;

    /// <summary>Draw the pointwise posterior median instead of the mean.</summary>
    public bool UseMedian { get; set; }

    /// <summary>Append the 90 % coverage of the truth to each panel title (cases with a truth only).</summary>
    public bool ShowCoverage { get; set; } = true;

    /// <summary>Colour of the bands (lightened) and of the mean line.</summary>
    public SKColor Color { get; set; } = PlotColors.Gatsbi;

    /// <summary>Colour of the true profile.</summary>
    public SKColor TruthColor { get; set; } = PlotColors.Truth;

    /// <summary>The cases added so far, in order, with their quantiles and coverage.</summary>
    public IReadOnlyList<ProfileBands> Cases => _cases;

    /// <summary>Adds a test case: posterior samples with one row per sample and one column per position, and the true profile if known.</summary>
    /// <exception cref="ArgumentException">See <see cref="ProfileBands.FromSamples(string, IReadOnlyList{double}?, float[,])"/>.</exception>
    public ProfilePlot Add(string title, IReadOnlyList<double>? truth, float[,] samples) => Add(ProfileBands.FromSamples(title, truth, samples));

    /// <inheritdoc cref="Add(string, IReadOnlyList{double}?, float[,])"/>
    public ProfilePlot Add(string title, IReadOnlyList<double>? truth, double[,] samples) => Add(ProfileBands.FromSamples(title, truth, samples));

    /// <summary>Adds a case summarised already.</summary>
    public ProfilePlot Add(ProfileBands bands)
    {
        ArgumentNullException.ThrowIfNull(bands);
        _cases.Add(bands);
        return this;
    }

    /// <summary>Renders the figure; the default size gives each panel about 520 × 380 pixels (see <see cref="PlotGrid"/>).</summary>
    /// <exception cref="InvalidOperationException">No case was added.</exception>
    public byte[] ToPng(int? width = null, int? height = null)
    {
        if (_cases.Count == 0)
        {
            throw new InvalidOperationException("Add at least one case before rendering a profile plot.");
        }

        var grid = new PlotGrid { Title = Title, Columns = Columns };
        foreach (var c in _cases)
        {
            grid.Add(Panel(c));
        }

        return grid.ToPng(width, height);
    }

    /// <summary>Renders and writes the PNG atomically, creating the folder if needed.</summary>
    public void SavePng(string path, int? width = null, int? height = null) => PngFile.WriteAtomic(path, ToPng(width, height));

    /// <summary>Fill of the 90 % band: the line colour a quarter of the way from white, opaque so the legend swatch matches.</summary>
    internal SKColor OuterBandColor => Lighten(Color, 0.25);

    /// <summary>Fill of the 50 % band.</summary>
    internal SKColor InnerBandColor => Lighten(Color, 0.5);

    private LinePlot Panel(ProfileBands c)
    {
        string title = ShowCoverage && c.Coverage90 is { } coverage
            ? $"{c.Title} · truth in 90% band: {Percent(coverage)}"
            : c.Title;
        var plot = new LinePlot { Title = title, XLabel = XLabel, YLabel = YLabel, YRange = YRange };
        double[] x = [.. Enumerable.Range(1, c.Length).Select(i => (double)i)];
        plot.AddBand("90% posterior band", x, c.Lower90, c.Upper90, OuterBandColor, opacity: 255);
        if (ShowInnerBand)
        {
            plot.AddBand("50% posterior band", x, c.Lower50, c.Upper50, InnerBandColor, opacity: 255);
        }

        plot.Add(UseMedian ? "posterior median" : "posterior mean", x, UseMedian ? c.Median : c.Mean, Color);
        if (c.Truth is not null)
        {
            plot.Add("truth", x, c.Truth, TruthColor);
        }

        return plot;
    }

    private static string Percent(double fraction) => (fraction * 100).ToString("F0", System.Globalization.CultureInfo.InvariantCulture) + "%";

    private static SKColor Lighten(SKColor color, double weight)
    {
        byte Mix(byte channel) => (byte)Math.Round(255 - weight * (255 - channel));
        return new SKColor(Mix(color.Red), Mix(color.Green), Mix(color.Blue));
    }
}
