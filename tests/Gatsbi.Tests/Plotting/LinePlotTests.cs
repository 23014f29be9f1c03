using Gatsbi.Plotting;
using SkiaSharp;

namespace Gatsbi.Tests.Plotting;

public class LinePlotTests
{
    [Fact]
    public void SavePng_WritesDecodablePngOfRequestedSize_WithoutTemporaryFiles()
    {
        using var folder = new TempFolder();
        string path = folder.File("curves.png");

        new LinePlot { Title = "Training", XLabel = "epoch", YLabel = "loss" }
            .Add("discriminator", [1.4, 1.3, 1.25, double.NaN, 1.2])
            .Add("generator", [0.7, 0.8, 0.9, 0.95, 1.0])
            .SavePng(path, 800, 500);

        using var image = SKBitmap.Decode(path);
        Assert.NotNull(image);
        Assert.Equal((800, 500), (image.Width, image.Height));
        Assert.Equal([path], Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void ConstantSeries_IsDrawnAtItsHeight()
    {
        // y = 2 on a fixed [0, 10] axis: the line lies a fifth of the way up the plot area, i.e. in the lower part of the image.
        var red = new SKColor(220, 0, 0);
        var plot = new LinePlot { YRange = new AxisRange(0, 10) }.Add("flat", [.. Enumerable.Repeat(2.0, 50)], red);
        using var image = PlotImages.Decode(plot.ToPng(1000, 600));

        var rows = new List<int>();
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width * 6 / 10; x++)
            {
                if (image.GetPixel(x, y) == red)
                {
                    rows.Add(y);
                }
            }
        }

        Assert.NotEmpty(rows);
        double mean = rows.Average() / image.Height;
        Assert.InRange(mean, 0.65, 0.85);
    }

    [Fact]
    public void LogScale_Renders_AndRejectsSeriesWithoutPositiveValues()
    {
        var curve = Enumerable.Range(0, 30).Select(e => 0.5 * Math.Exp(-e / 8.0)).ToArray();
        var image = PlotImages.Decode(new LinePlot { LogY = true }.Add("c2st − 0.5", curve).ToPng());
        Assert.Equal(1000, image.Width);

        var plot = new LinePlot { LogY = true }.Add("zero", [0.0, 0.0, -1.0]);
        var error = Assert.Throws<InvalidOperationException>(() => plot.ToPng());
        Assert.Contains("'zero'", error.Message);
    }

    [Fact]
    public void BadInput_Throws()
    {
        var plot = new LinePlot().Add("a", [1.0, 2.0]);

        Assert.Contains("3 x values but 2 y values", Assert.Throws<ArgumentException>(() => plot.Add("b", [1.0, 2.0, 3.0], [1.0, 2.0])).Message);
        Assert.Contains("no point with finite x and y", Assert.Throws<ArgumentException>(() => plot.Add("c", [double.NaN])).Message);
        Assert.Contains("already added", Assert.Throws<ArgumentException>(() => plot.Add("a", [1.0])).Message);
        Assert.Throws<InvalidOperationException>(() => new LinePlot().ToPng());
    }

    [Fact]
    public void Ten_series_without_colours_get_ten_distinct_colours()
    {
        var plot = new LinePlot { Title = "ten parameters" };
        for (int k = 0; k < 10; k++) plot.Add($"parameter_{k + 1}", [k, k + 1.0, k + 2.0]);
        using var image = SKBitmap.Decode(plot.ToPng(900, 600));
        Assert.Equal(10, PlotColors.Cycle.Take(10).Distinct().Count());
        foreach (var color in PlotColors.Cycle.Take(10)) Assert.True(PlotImages.Contains(image, color), $"colour {color} missing");
    }

    [Fact]
    public void Log_x_axis_renders_budgets_and_skips_non_positive_x()
    {
        var plot = new LinePlot { LogX = true }.Add("c2st", [0, 1_000, 10_000, 100_000], [0.6, 0.9, 0.8, 0.7], PlotColors.Cycle[0]);
        using var image = SKBitmap.Decode(plot.ToPng(800, 500));
        // x = 0 has no place on a log axis and is left out; the three budgets span the plot area (log padding
        // is 5% of the span per side), so the series covers most of the 800 px width.
        var columns = Enumerable.Range(0, image.Width).Where(x => Enumerable.Range(0, image.Height).Any(y => image.GetPixel(x, y) == PlotColors.Cycle[0])).ToArray();
        Assert.NotEmpty(columns);
        double left = columns.Min(), right = columns.Max();
        Assert.True(right - left > 300, $"the series spans only {right - left} px");
    }
}

