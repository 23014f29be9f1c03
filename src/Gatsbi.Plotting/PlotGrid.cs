using SkiaSharp;

namespace Gatsbi.Plotting;

/// <summary>
/// Several <see cref="LinePlot"/>s as panels of one figure, row by row, under a common title and with one
/// legend (the entries of all panels, each name once) on the right. Used for per-parameter diagnostics,
/// where every panel shows the same kinds of curves.
/// </summary>
/// <example>
/// <code>
/// var grid = new PlotGrid { Title = "Rank histograms" };
/// foreach (var name in parameterNames) grid.Add(HistogramOf(name));
/// grid.SavePng("ranks.png");
/// </code>
/// </example>
public sealed class PlotGrid
{
    private readonly List<LinePlot> _panels = [];

    /// <summary>Figure title drawn centred above all panels; null for none.</summary>
    public string? Title { get; set; }

    /// <summary>Panels per row; null chooses up to three, so that panels stay wide enough for their tick labels.</summary>
    public int? Columns { get; set; }

    /// <summary>Adds a panel; its own legend is replaced by the figure's.</summary>
    public PlotGrid Add(LinePlot panel)
    {
        ArgumentNullException.ThrowIfNull(panel);
        _panels.Add(panel);
        return this;
    }

    /// <summary>Renders the figure; the default size gives each panel about 520 × 380 pixels.</summary>
    public byte[] ToPng(int? width = null, int? height = null)
    {
        if (_panels.Count == 0)
        {
            throw new InvalidOperationException("Add at least one panel before rendering a plot grid.");
        }

        int columns = Columns ?? Math.Min(3, _panels.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1, nameof(Columns));
        int rows = (_panels.Count + columns - 1) / columns;

        var legend = new Legend();
        foreach (var (name, color, swatch) in _panels.SelectMany(p => p.LegendEntries).DistinctBy(e => e.Name))
        {
            legend.Add(name, color, swatch);
        }

        const int PanelWidth = 520, PanelHeight = 380;
        using var legendText = new TextStyle(15, new SKColor(0x22, 0x22, 0x22));
        using var titleText = new TextStyle(22, new SKColor(0x22, 0x22, 0x22), bold: true);
        float pad = 14;
        float legendWidth = legend.Measure(legendText).Width + 2 * pad;
        float titleHeight = Title is null ? 0 : titleText.LineHeight + 2 * pad;
        int w = width ?? (int)(columns * PanelWidth + legendWidth);
        int h = height ?? (int)(rows * PanelHeight + titleHeight);
        PngFile.CheckSize(w, h);
        int panelWidth = (int)((w - legendWidth) / columns);
        int panelHeight = (int)((h - titleHeight) / rows);
        if (panelWidth < 200 || panelHeight < 150)
        {
            throw new ArgumentException($"A {w}×{h} figure leaves {panelWidth}×{panelHeight} pixels per panel; panels need at least 200×150.");
        }

        using var surface = PngFile.CreateSurface(w, h);
        var canvas = surface.Canvas;
        if (Title is not null)
        {
            titleText.Draw(canvas, titleText.Fit(Title, w - 2 * pad), w / 2f, pad, SKTextAlign.Center, VerticalAlign.Top);
        }

        for (int i = 0; i < _panels.Count; i++)
        {
            var panel = _panels[i];
            bool showLegend = panel.ShowLegend;
            panel.ShowLegend = false;
            canvas.Save();
            canvas.Translate(i % columns * panelWidth, titleHeight + i / columns * panelHeight);
            canvas.ClipRect(SKRect.Create(panelWidth, panelHeight));
            try
            {
                panel.Draw(canvas, panelWidth, panelHeight);
            }
            finally
            {
                panel.ShowLegend = showLegend;
                canvas.Restore();
            }
        }

        legend.Draw(canvas, legendText, columns * panelWidth + pad, titleHeight + pad);
        return PngFile.Encode(surface);
    }

    /// <summary>Renders and writes the PNG atomically, creating the folder if needed.</summary>
    public void SavePng(string path, int? width = null, int? height = null) => PngFile.WriteAtomic(path, ToPng(width, height));
}
