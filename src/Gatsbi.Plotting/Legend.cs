using SkiaSharp;

namespace Gatsbi.Plotting;

internal enum LegendSwatch
{
    /// <summary>Filled square: a sample set.</summary>
    Box,

    /// <summary>Short line: a series of a line chart.</summary>
    Line,

    /// <summary>Line with a dot: a marked point such as the true parameter.</summary>
    Marker,
}

/// <summary>A boxed list of colour swatches with labels.</summary>
internal sealed class Legend
{
    private readonly List<(string Label, SKColor Color, LegendSwatch Swatch)> _entries = [];

    public int Count => _entries.Count;

    public void Add(string label, SKColor color, LegendSwatch swatch) => _entries.Add((label, color, swatch));

    public SKSize Measure(TextStyle text)
    {
        if (_entries.Count == 0)
        {
            return SKSize.Empty;
        }

        var (padding, row, swatchWidth, spacing) = Metrics(text);
        float width = 2 * padding + swatchWidth + spacing + _entries.Max(e => text.Width(e.Label));
        return new SKSize(width, 2 * padding + row * _entries.Count - (row - text.LineHeight));
    }

    /// <summary>Draws the legend with its top-left corner at (<paramref name="left"/>, <paramref name="top"/>).</summary>
    public void Draw(SKCanvas canvas, TextStyle text, float left, float top)
    {
        if (_entries.Count == 0)
        {
            return;
        }

        var size = Measure(text);
        var (padding, row, swatchWidth, spacing) = Metrics(text);
        var box = SKRect.Create(left, top, size.Width, size.Height);
        using (var fill = new SKPaint { Color = SKColors.White.WithAlpha(235), IsAntialias = true })
        using (var border = new SKPaint { Color = new SKColor(0xCC, 0xCC, 0xCC), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 1 })
        {
            canvas.DrawRoundRect(box, 4, 4, fill);
            canvas.DrawRoundRect(box, 4, 4, border);
        }

        for (int i = 0; i < _entries.Count; i++)
        {
            var (label, color, swatch) = _entries[i];
            float centreY = top + padding + i * row + text.LineHeight / 2;
            float x = left + padding;
            using var paint = new SKPaint { Color = color, IsAntialias = true, StrokeWidth = Math.Max(2, text.Size / 7) };
            switch (swatch)
            {
                case LegendSwatch.Box:
                    float side = text.CapHeight * 1.25f;
                    canvas.DrawRect(SKRect.Create(x + (swatchWidth - side) / 2, centreY - side / 2, side, side), paint);
                    break;
                case LegendSwatch.Line:
                    canvas.DrawLine(x, centreY, x + swatchWidth, centreY, paint);
                    break;
                case LegendSwatch.Marker:
                    canvas.DrawLine(x, centreY, x + swatchWidth, centreY, paint);
                    canvas.DrawCircle(x + swatchWidth / 2, centreY, text.CapHeight * 0.45f, paint);
                    break;
            }

            text.Draw(canvas, label, x + swatchWidth + spacing, centreY, SKTextAlign.Left, VerticalAlign.Middle);
        }
    }

    private static (float Padding, float Row, float SwatchWidth, float Spacing) Metrics(TextStyle text) =>
        (text.Size * 0.6f, text.LineHeight * 1.35f, text.Size * 1.6f, text.Size * 0.5f);
}
