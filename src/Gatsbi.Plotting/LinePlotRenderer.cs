using SkiaSharp;

namespace Gatsbi.Plotting;

/// <summary>Lays out and draws one <see cref="LinePlot"/>.</summary>
internal sealed class LinePlotRenderer(LinePlot plot, IReadOnlyList<Series> series, IReadOnlyList<Band> bands, IReadOnlyList<Bars> bars, IReadOnlyList<VerticalLine> verticals)
{
    private static readonly SKColor Ink = new(0x22, 0x22, 0x22);
    private static readonly SKColor FrameColor = new(0x55, 0x55, 0x55);
    private static readonly SKColor GridColor = new(0xE8, 0xE8, 0xE8);

    /// <summary>Series with at most this many points also get a dot per point, so sparse curves (C2ST per round) show where the data are; two-point series are reference lines and get none.</summary>
    private const int MaxPointsWithMarkers = 40;

    public void Draw(SKCanvas canvas, int width, int height)
    {
        float tickSize = Math.Clamp(Math.Min(width, height) * 0.028f, 11, 22);
        using var tickText = new TextStyle(tickSize, Ink);
        using var labelText = new TextStyle(tickSize * 1.15f, Ink);
        using var titleText = new TextStyle(tickSize * 1.4f, Ink, bold: true);

        var xRange = plot.XRange ?? SpanX();
        var yRange = plot.YRange ?? SpanY();
        bool integerX = AllX().All(v => v == Math.Round(v));
        var xTicks = plot.LogX
            ? Ticks.Log(xRange.Min, xRange.Max, Math.Clamp((int)(width / (tickSize * 7)), 2, 10))
            : Ticks.Linear(xRange.Min, xRange.Max, Math.Clamp((int)(width / (tickSize * 7)), 2, 10), integerX);
        var yTicks = plot.LogY
            ? Ticks.Log(yRange.Min, yRange.Max, Math.Clamp((int)(height / (tickSize * 3.5f)), 2, 10))
            : Ticks.Linear(yRange.Min, yRange.Max, Math.Clamp((int)(height / (tickSize * 4)), 2, 8));
        var xLabels = Ticks.Format(xTicks, uniform: !plot.LogX);
        var yLabels = Ticks.Format(yTicks, uniform: !plot.LogY);

        var legend = new Legend();
        if (plot.ShowLegend)
        {
            foreach (var (name, color, swatch) in plot.LegendEntries)
            {
                legend.Add(name, color, swatch);
            }
        }

        var legendSize = legend.Measure(tickText);

        float pad = Math.Max(10, Math.Min(width, height) * 0.025f);
        float tickLength = tickSize * 0.4f;
        float tickGap = tickSize * 0.3f;
        float labelGap = tickSize * 0.6f;
        float yTickWidth = yLabels.Select(tickText.Width).DefaultIfEmpty(0).Max();
        float lastXLabelHalf = xLabels.Length > 0 ? tickText.Width(xLabels[^1]) / 2 : 0;
        float left = pad + (plot.YLabel is null ? 0 : labelText.LineHeight + labelGap) + yTickWidth + tickGap + tickLength;
        float bottom = pad + (plot.XLabel is null ? 0 : labelText.LineHeight + labelGap) + tickText.LineHeight + tickGap + tickLength;
        // The top y tick label is centred on the frame, so half of it sticks out above.
        float top = pad + (plot.Title is null ? tickText.CapHeight / 2 : titleText.LineHeight + labelGap);
        float right = pad + Math.Max(lastXLabelHalf, legend.Count == 0 ? 0 : legendSize.Width + labelGap);
        var area = new SKRect(MathF.Round(left), MathF.Round(top), MathF.Round(width - right), MathF.Round(height - bottom));
        var xMap = new AxisMap(xRange.Min, xRange.Max, area.Left, area.Right, plot.LogX);
        var yMap = new AxisMap(yRange.Min, yRange.Max, area.Bottom, area.Top, plot.LogY);

        using (var grid = new SKPaint { Color = GridColor, StrokeWidth = 1 })
        {
            foreach (double t in xTicks)
            {
                canvas.DrawLine(Snap(xMap.ToPixel(t)), area.Top, Snap(xMap.ToPixel(t)), area.Bottom, grid);
            }

            foreach (double t in yTicks)
            {
                canvas.DrawLine(area.Left, Snap(yMap.ToPixel(t)), area.Right, Snap(yMap.ToPixel(t)), grid);
            }
        }

        canvas.Save();
        canvas.ClipRect(area);
        float lineWidth = Math.Max(1.5f, Math.Min(width, height) / 300f);
        // Bars first, so that a translucent band over them (a histogram's expected range) stays visible.
        foreach (var b in bars)
        {
            DrawBars(canvas, b, xMap, yMap);
        }

        foreach (var band in bands)
        {
            DrawBand(canvas, band, xMap, yMap);
        }

        foreach (var s in series)
        {
            DrawSeries(canvas, s, xMap, yMap, lineWidth);
        }

        foreach (var v in verticals)
        {
            using var paint = new SKPaint { Color = v.Color, IsAntialias = true, StrokeWidth = lineWidth * 1.5f };
            canvas.DrawLine(xMap.ToPixel(v.X), area.Top, xMap.ToPixel(v.X), area.Bottom, paint);
        }

        canvas.Restore();

        using var framePaint = new SKPaint { Color = FrameColor, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        canvas.DrawRect(new SKRect(area.Left + 0.5f, area.Top + 0.5f, area.Right - 0.5f, area.Bottom - 0.5f), framePaint);

        foreach (var (x, label) in Ticks.VisibleLabels(xTicks, xLabels, xMap.ToPixel, tickText.Width, area.Left - left + pad, width - pad, tickSize))
        {
            canvas.DrawLine(Snap(x), area.Bottom, Snap(x), area.Bottom + tickLength, framePaint);
            tickText.Draw(canvas, label, x, area.Bottom + tickLength + tickGap, SKTextAlign.Center, VerticalAlign.Top);
        }

        foreach (var (y, label) in Ticks.VisibleLabels(yTicks, yLabels, yMap.ToPixel, _ => tickText.CapHeight, pad, height - pad, tickSize * 0.8f))
        {
            canvas.DrawLine(area.Left, Snap(y), area.Left - tickLength, Snap(y), framePaint);
            tickText.Draw(canvas, label, area.Left - tickLength - tickGap, y, SKTextAlign.Right, VerticalAlign.Middle);
        }

        if (plot.XLabel is not null)
        {
            labelText.Draw(canvas, labelText.Fit(plot.XLabel, area.Width), area.MidX, height - pad, SKTextAlign.Center, VerticalAlign.Bottom);
        }

        if (plot.YLabel is not null)
        {
            labelText.DrawVertical(canvas, labelText.Fit(plot.YLabel, area.Height), pad + labelText.LineHeight / 2, area.MidY);
        }

        if (plot.Title is not null)
        {
            // Centred over the plot area, but shifted where a wide legend would push it off the canvas.
            string title = titleText.Fit(plot.Title, width - 2 * pad);
            float half = titleText.Width(title) / 2;
            titleText.Draw(canvas, title, Math.Clamp(area.MidX, pad + half, Math.Max(pad + half, width - pad - half)), pad, SKTextAlign.Center, VerticalAlign.Top);
        }

        // Outside the plot area, to the right: a legend inside could cover the curves.
        legend.Draw(canvas, tickText, area.Right + labelGap, area.Top);
    }

    // Centres a 1 px line on a pixel so it is crisp rather than smeared over two.
    private static float Snap(float coordinate) => MathF.Floor(coordinate) + 0.5f;

    private void DrawSeries(SKCanvas canvas, Series s, AxisMap xMap, AxisMap yMap, float lineWidth)
    {
        using var path = new SKPath();
        var dots = new List<SKPoint>();
        bool penDown = false;
        for (int i = 0; i < s.X.Length; i++)
        {
            if (!IsDrawable(s.X[i], s.Y[i]))
            {
                penDown = false;
                continue;
            }

            var p = new SKPoint(xMap.ToPixel(s.X[i]), yMap.ToPixel(s.Y[i]));
            if (penDown)
            {
                path.LineTo(p);
            }
            else
            {
                path.MoveTo(p);
                penDown = true;
            }

            dots.Add(p);
        }

        using var stroke = new SKPaint
        {
            Color = s.Color,
            IsAntialias = true,
            Style = SKPaintStyle.Stroke,
            StrokeWidth = lineWidth,
            StrokeJoin = SKStrokeJoin.Round,
            StrokeCap = SKStrokeCap.Round,
        };
        canvas.DrawPath(path, stroke);
        if (dots.Count is > 2 and <= MaxPointsWithMarkers)
        {
            using var fill = new SKPaint { Color = s.Color, IsAntialias = true };
            foreach (var dot in dots)
            {
                canvas.DrawCircle(dot, lineWidth * 1.8f, fill);
            }
        }
    }

    private static void DrawBand(SKCanvas canvas, Band band, AxisMap xMap, AxisMap yMap)
    {
        using var path = new SKPath();
        path.MoveTo(xMap.ToPixel(band.X[0]), yMap.ToPixel(band.Upper[0]));
        for (int i = 1; i < band.X.Length; i++)
        {
            path.LineTo(xMap.ToPixel(band.X[i]), yMap.ToPixel(band.Upper[i]));
        }

        for (int i = band.X.Length - 1; i >= 0; i--)
        {
            path.LineTo(xMap.ToPixel(band.X[i]), yMap.ToPixel(band.Lower[i]));
        }

        path.Close();
        using var fill = new SKPaint { Color = band.Color, IsAntialias = true };
        canvas.DrawPath(path, fill);
    }

    private static void DrawBars(SKCanvas canvas, Bars bars, AxisMap xMap, AxisMap yMap)
    {
        using var fill = new SKPaint { Color = bars.Color.WithAlpha(200), IsAntialias = true };
        using var edge = new SKPaint { Color = SKColors.White, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        for (int i = 0; i < bars.Heights.Length; i++)
        {
            var rect = SKRect.Create(xMap.ToPixel(bars.Edges[i]), yMap.ToPixel(Math.Max(bars.Heights[i], 0)),
                xMap.ToPixel(bars.Edges[i + 1]) - xMap.ToPixel(bars.Edges[i]), Math.Abs(yMap.ToPixel(bars.Heights[i]) - yMap.ToPixel(0)));
            canvas.DrawRect(rect, fill);
            canvas.DrawRect(rect, edge);
        }
    }

    private IEnumerable<double> AllX() =>
        series.SelectMany(s => s.X.Where((x, i) => IsDrawable(x, s.Y[i])))
            .Concat(bands.SelectMany(b => b.X))
            .Concat(bars.SelectMany(b => b.Edges))
            .Concat(verticals.Select(v => v.X));

    private bool IsDrawable(double x, double y) =>
        double.IsFinite(x) && double.IsFinite(y) && (!plot.LogY || y > 0) && (!plot.LogX || x > 0);

    private AxisRange SpanX()
    {
        var xs = AllX().ToArray();
        double lo = xs.Min();
        double hi = xs.Max();
        if (plot.LogX)
        {
            // 5 % of the span in decades keeps the end markers off the frame.
            double margin = hi > lo ? 0.05 * Math.Log10(hi / lo) : 0.5;
            return new AxisRange(lo / Math.Pow(10, margin), hi * Math.Pow(10, margin));
        }

        // 2 % padding keeps the first and last point markers off the frame.
        double pad = hi > lo ? 0.02 * (hi - lo) : 0.5;
        return new AxisRange(lo - pad, hi + pad);
    }

    private AxisRange SpanY()
    {
        var ys = series.SelectMany(s => s.Y.Where((y, i) => IsDrawable(s.X[i], y)))
            .Concat(bands.SelectMany(b => b.Lower.Concat(b.Upper)))
            .Concat(bars.SelectMany(b => b.Heights.Append(0)))
            .ToArray();
        if (plot.LogY)
        {
            // Pad in decades so the padding looks equal at both ends of a log axis.
            double lo = Math.Log10(ys.Min());
            double hi = Math.Log10(ys.Max());
            double margin = hi > lo ? 0.05 * (hi - lo) : 0.5;
            return new AxisRange(Math.Pow(10, lo - margin), Math.Pow(10, hi + margin));
        }

        double min = ys.Min();
        double max = ys.Max();
        double pad = max > min ? 0.05 * (max - min) : Math.Max(Math.Abs(max) * 0.1, 0.5);
        return new AxisRange(min - pad, max + pad);
    }
}
