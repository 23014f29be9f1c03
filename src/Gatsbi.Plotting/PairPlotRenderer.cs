using SkiaSharp;

namespace Gatsbi.Plotting;

/// <summary>Lays out and draws one <see cref="PairPlot"/> onto a square canvas.</summary>
internal sealed class PairPlotRenderer(
    string[] names,
    IReadOnlyList<SampleSet> sets,
    IReadOnlyList<MarkedPoint> points,
    AxisRange[] ranges,
    string? title,
    DiagonalStyle diagonal,
    int maxScatterPoints)
{
    private static readonly SKColor Ink = new(0x22, 0x22, 0x22);
    private static readonly SKColor FrameColor = new(0x55, 0x55, 0x55);

    private int Dimension => names.Length;

    public void Draw(SKCanvas canvas, int size)
    {
        int d = Dimension;

        // Text scales with the panel, not the image, so a 10-parameter grid does not get 50 px tick labels;
        // the clamp keeps it legible on small panels and unobtrusive on big ones.
        float estimatedPanel = size * 0.85f / d;
        float tickSize = Math.Clamp(estimatedPanel * 0.045f, 13, 22);
        // The legend and title are seen against the whole figure, so they grow with the grid (√d keeps it moderate).
        float figureScale = MathF.Max(1, MathF.Sqrt(d / 2f));
        using var tickText = new TextStyle(tickSize, Ink);
        using var labelText = new TextStyle(tickSize * 1.2f, Ink);
        using var legendText = new TextStyle(tickSize * 1.1f * figureScale, Ink);
        using var titleText = new TextStyle(tickSize * 1.45f * figureScale, Ink, bold: true);

        // As many ticks as fit side by side under a panel (x labels are the tighter direction), at most 7.
        var ticks = new double[d][];
        var tickLabels = new string[d][];
        for (int p = 0; p < d; p++)
        {
            for (int maxTicks = 7; maxTicks >= 2; maxTicks--)
            {
                ticks[p] = Ticks.Linear(ranges[p].Min, ranges[p].Max, maxTicks);
                tickLabels[p] = Ticks.Format(ticks[p]);
                if (tickLabels[p].Sum(l => tickText.Width(l) + tickSize * 1.2f) <= estimatedPanel * 0.9f)
                {
                    break;
                }
            }
        }

        var legend = BuildLegend();
        var legendSize = legend.Measure(legendText);

        // Margins are measured from the text they must hold, so nothing is clipped and nothing floats.
        float pad = Math.Clamp(size * 0.02f, 10, 36);
        float tickLength = tickSize * 0.4f;
        float tickGap = tickSize * 0.4f;
        float labelGap = tickSize * 0.6f;
        float yTickWidth = tickLabels.Skip(1).SelectMany(l => l).Select(tickText.Width).DefaultIfEmpty(0).Max();
        float left = pad + (d > 1 ? labelText.LineHeight + labelGap + yTickWidth + tickGap : 0);
        float bottom = pad + labelText.LineHeight + labelGap + tickText.LineHeight + tickGap;
        float top = pad + (title is null ? 0 : titleText.LineHeight + labelGap);
        float right = pad + (d == 1 && legend.Count > 0 ? legendSize.Width + labelGap : 0);
        float gap = MathF.Round(Math.Max(6, size * 0.012f));
        float panelWidth = (size - left - right - (d - 1) * gap) / d;
        float panelHeight = (size - top - bottom - (d - 1) * gap) / d;

        SKRect Panel(int row, int column) => new(
            MathF.Round(left + column * (panelWidth + gap)),
            MathF.Round(top + row * (panelHeight + gap)),
            MathF.Round(left + column * (panelWidth + gap) + panelWidth),
            MathF.Round(top + row * (panelHeight + gap) + panelHeight));

        var scatterRows = sets.Select(s => s.SubsampleRows(maxScatterPoints)).ToArray();
        using var framePaint = new SKPaint { Color = FrameColor, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };

        for (int row = 0; row < d; row++)
        {
            for (int column = 0; column <= row; column++)
            {
                var rect = Panel(row, column);
                var xMap = new AxisMap(ranges[column].Min, ranges[column].Max, rect.Left, rect.Right);
                var yMap = new AxisMap(ranges[row].Min, ranges[row].Max, rect.Bottom, rect.Top);
                canvas.Save();
                canvas.ClipRect(rect);
                if (row == column)
                {
                    DrawMarginal(canvas, rect, column, xMap, scatterRows);
                }
                else
                {
                    DrawScatter(canvas, rect, column, row, xMap, yMap, scatterRows);
                }

                DrawMarks(canvas, rect, column, row, xMap, yMap, tickSize);

                // Inward tick marks on every panel, so interior panels can be read against the labelled edges.
                foreach (double t in ticks[column])
                {
                    float x = xMap.ToPixel(t);
                    canvas.DrawLine(x, rect.Bottom, x, rect.Bottom - tickLength, framePaint);
                }

                if (row != column)
                {
                    foreach (double t in ticks[row])
                    {
                        float y = yMap.ToPixel(t);
                        canvas.DrawLine(rect.Left, y, rect.Left + tickLength, y, framePaint);
                    }
                }

                canvas.Restore();
                // Half-pixel inset puts the 1 px frame exactly on a pixel row instead of blurring it over two.
                canvas.DrawRect(new SKRect(rect.Left + 0.5f, rect.Top + 0.5f, rect.Right - 0.5f, rect.Bottom - 0.5f), framePaint);
            }
        }

        // Tick labels and names only on the outer edges (bottom row, first column), as in corner plots.
        for (int column = 0; column < d; column++)
        {
            var rect = Panel(d - 1, column);
            var xMap = new AxisMap(ranges[column].Min, ranges[column].Max, rect.Left, rect.Right);
            foreach (var (position, label) in Ticks.VisibleLabels(ticks[column], tickLabels[column], xMap.ToPixel, tickText.Width, rect.Left - gap / 2, rect.Right + gap / 2, tickSize * 0.5f))
            {
                tickText.Draw(canvas, label, position, rect.Bottom + tickGap, SKTextAlign.Center, VerticalAlign.Top);
            }

            string name = labelText.Fit(names[column], panelWidth);
            labelText.Draw(canvas, name, rect.MidX, rect.Bottom + tickGap + tickText.LineHeight + labelGap, SKTextAlign.Center, VerticalAlign.Top);
        }

        for (int row = 1; row < d; row++)
        {
            var rect = Panel(row, 0);
            var yMap = new AxisMap(ranges[row].Min, ranges[row].Max, rect.Bottom, rect.Top);
            foreach (var (position, label) in Ticks.VisibleLabels(ticks[row], tickLabels[row], yMap.ToPixel, _ => tickText.CapHeight, rect.Top - gap / 2, rect.Bottom + gap / 2, tickSize * 0.8f))
            {
                tickText.Draw(canvas, label, rect.Left - tickGap, position, SKTextAlign.Right, VerticalAlign.Middle);
            }

            string name = labelText.Fit(names[row], panelHeight);
            labelText.DrawVertical(canvas, name, pad + labelText.LineHeight / 2, rect.MidY);
        }

        // The upper triangle is empty in a corner plot: its top-right corner is where the legend cannot hide data.
        float legendLeft = d == 1 ? size - pad - legendSize.Width : Panel(0, d - 1).Right - legendSize.Width;
        legend.Draw(canvas, legendText, legendLeft, Panel(0, 0).Top);

        if (title is not null)
        {
            float gridCentre = (Panel(0, 0).Left + Panel(0, d - 1).Right) / 2;
            titleText.Draw(canvas, titleText.Fit(title, size - 2 * pad), gridCentre, pad, SKTextAlign.Center, VerticalAlign.Top);
        }
    }

    private Legend BuildLegend()
    {
        var legend = new Legend();
        foreach (var set in sets)
        {
            legend.Add(set.Name, set.Color, LegendSwatch.Box);
        }

        foreach (var point in points)
        {
            legend.Add(point.Label, point.Color, LegendSwatch.Marker);
        }

        return legend;
    }

    private void DrawMarginal(SKCanvas canvas, SKRect rect, int parameter, AxisMap xMap, int[][] scatterRows)
    {
        var range = ranges[parameter];
        // Rice rule on the smallest set: enough bins to show shape, few enough that the sparsest set is not noise.
        int bins = Math.Clamp((int)Math.Round(2 * Math.Cbrt(sets.Min(s => s.RowCount))), 10, 50);
        const int densityGrid = 200;
        var curves = sets.Select((s, k) => diagonal == DiagonalStyle.Histogram
                ? Marginals.Histogram(s.Columns[parameter], range, bins)
                : Marginals.KernelDensity(scatterRows[k].Select(r => s.Columns[parameter][r]), range, densityGrid))
            .ToArray();
        double peak = curves.Max(c => c.Max());
        // 10 % headroom so the tallest peak does not touch the frame.
        var yMap = new AxisMap(0, peak > 0 ? peak * 1.1 : 1, rect.Bottom, rect.Top);

        for (int k = 0; k < sets.Count; k++)
        {
            using var outline = new SKPath();
            double[] curve = curves[k];
            if (diagonal == DiagonalStyle.Histogram)
            {
                outline.MoveTo(rect.Left, rect.Bottom);
                for (int b = 0; b < bins; b++)
                {
                    float y = yMap.ToPixel(curve[b]);
                    outline.LineTo(xMap.ToPixel(range.Min + b * (range.Max - range.Min) / bins), y);
                    outline.LineTo(xMap.ToPixel(range.Min + (b + 1) * (range.Max - range.Min) / bins), y);
                }
            }
            else
            {
                for (int g = 0; g < densityGrid; g++)
                {
                    var p = new SKPoint(xMap.ToPixel(range.Min + g * (range.Max - range.Min) / (densityGrid - 1)), yMap.ToPixel(curve[g]));
                    if (g == 0)
                    {
                        outline.MoveTo(p);
                    }
                    else
                    {
                        outline.LineTo(p);
                    }
                }
            }

            using var area = new SKPath(outline);
            area.LineTo(rect.Right, rect.Bottom);
            area.LineTo(rect.Left, rect.Bottom);
            area.Close();
            using var fill = new SKPaint { Color = sets[k].Color.WithAlpha(0x40), IsAntialias = true };
            using var stroke = new SKPaint
            {
                Color = sets[k].Color,
                IsAntialias = true,
                Style = SKPaintStyle.Stroke,
                StrokeWidth = Math.Max(1.5f, rect.Width / 220),
                StrokeJoin = SKStrokeJoin.Round,
            };
            canvas.DrawPath(area, fill);
            canvas.DrawPath(outline, stroke);
        }
    }

    private void DrawScatter(SKCanvas canvas, SKRect rect, int xParameter, int yParameter, AxisMap xMap, AxisMap yMap, int[][] scatterRows)
    {
        float radius = Math.Clamp(Math.Min(rect.Width, rect.Height) * 0.005f, 1.1f, 2.6f);
        for (int k = 0; k < sets.Count; k++)
        {
            double[] xs = sets[k].Columns[xParameter];
            double[] ys = sets[k].Columns[yParameter];
            var dots = scatterRows[k]
                .Where(r => double.IsFinite(xs[r]) && double.IsFinite(ys[r]))
                .Select(r => new SKPoint(xMap.ToPixel(xs[r]), yMap.ToPixel(ys[r])))
                .ToArray();

            // Fewer points get more opaque dots; thousands get faint ones so density shows through overlap.
            float alpha = Math.Clamp(20f / MathF.Sqrt(Math.Max(1, dots.Length)), 0.15f, 0.8f);
            using var paint = new SKPaint
            {
                Color = sets[k].Color.WithAlpha((byte)(alpha * 255)),
                IsAntialias = true,
                StrokeCap = SKStrokeCap.Round,
                StrokeWidth = 2 * radius,
            };
            canvas.DrawPoints(SKPointMode.Points, dots, paint);
        }
    }

    private void DrawMarks(SKCanvas canvas, SKRect rect, int xParameter, int yParameter, AxisMap xMap, AxisMap yMap, float tickSize)
    {
        foreach (var point in points)
        {
            using var line = new SKPaint
            {
                Color = point.Color.WithAlpha(0xD0),
                IsAntialias = true,
                Style = SKPaintStyle.Stroke,
                StrokeWidth = Math.Max(1.5f, tickSize / 10),
            };
            float x = xMap.ToPixel(point.Values[xParameter]);
            canvas.DrawLine(x, rect.Top, x, rect.Bottom, line);
            if (xParameter == yParameter)
            {
                continue;
            }

            float y = yMap.ToPixel(point.Values[yParameter]);
            canvas.DrawLine(rect.Left, y, rect.Right, y, line);
            using var dot = new SKPaint { Color = point.Color, IsAntialias = true };
            using var halo = new SKPaint { Color = SKColors.White, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 1.5f };
            canvas.DrawCircle(x, y, tickSize * 0.32f, dot);
            canvas.DrawCircle(x, y, tickSize * 0.32f, halo);
        }
    }
}
