using Gatsbi.Plotting;
using SkiaSharp;

namespace Gatsbi.Tests.Plotting;

public class ProfilePlotTests
{
    private static readonly SKColor FrameColor = new(0x55, 0x55, 0x55);

    /// <summary>The same values at every position, in a scrambled order so that the quantiles must sort.</summary>
    private static float[,] SameColumns(IReadOnlyList<double> values, int positions)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => (i * 37) % values.Count).ToArray();
        var samples = new float[values.Count, positions];
        for (int s = 0; s < values.Count; s++)
        {
            for (int j = 0; j < positions; j++)
            {
                samples[s, j] = (float)values[order[s]];
            }
        }

        return samples;
    }

    [Fact]
    public void Quantiles_interpolate_between_order_statistics()
    {
        // 0, 1, …, 10: the q quantile is 10 q exactly (linear interpolation, NumPy's default).
        var bands = ProfileBands.FromSamples("eleven", null, SameColumns([.. Enumerable.Range(0, 11).Select(i => (double)i)], 3));

        Assert.Equal(3, bands.Length);
        Assert.Equal(11, bands.SampleCount);
        Assert.All(bands.Lower90, v => Assert.Equal(0.5, v, 12));
        Assert.All(bands.Upper90, v => Assert.Equal(9.5, v, 12));
        Assert.All(bands.Lower50, v => Assert.Equal(2.5, v, 12));
        Assert.All(bands.Upper50, v => Assert.Equal(7.5, v, 12));
        Assert.All(bands.Median, v => Assert.Equal(5, v, 12));
        Assert.All(bands.Mean, v => Assert.Equal(5, v, 12));
        Assert.Null(bands.Coverage90);
        Assert.Null(bands.Coverage50);
    }

    [Fact]
    public void Coverage_counts_positions_with_the_truth_inside_each_band_bounds_included()
    {
        // Samples 0, 1, …, 100 at every position: 90 % band [5, 95], 50 % band [25, 75].
        var values = Enumerable.Range(0, 101).Select(i => (double)i).ToArray();
        double[] truth = [50, 95, 95.5, 4.9, 25, 80];
        var bands = ProfileBands.FromSamples("case", truth, SameColumns(values, truth.Length));

        Assert.All(bands.Lower90, v => Assert.Equal(5, v, 9));
        Assert.All(bands.Upper90, v => Assert.Equal(95, v, 9));
        // Inside the 90 % band: 50, 95 (its upper bound), 25, 80. Inside the 50 % band: 50, 25 (its lower bound).
        Assert.Equal(4.0 / 6, bands.Coverage90!.Value, 12);
        Assert.Equal(2.0 / 6, bands.Coverage50!.Value, 12);
        Assert.Equal(0.5, ProfileBands.Coverage([1, 2, 3, 4], [0, 0, 3.5, 4], [1, 1, 5, 4]), 12);
    }

    [Fact]
    public void Constant_samples_give_a_band_of_no_width_and_full_coverage()
    {
        var samples = SameColumns([.. Enumerable.Repeat(5.0, 40)], 20);
        var bands = ProfileBands.FromSamples("flat", [.. Enumerable.Repeat(5.0, 20)], samples);
        Assert.Equal(bands.Lower90, bands.Upper90);
        Assert.All(bands.Upper90, v => Assert.Equal(5, v));
        Assert.Equal(1, bands.Coverage90);

        // Drawn: no pixel of either band colour inside the panel, but the mean line is there.
        var plot = new ProfilePlot { YRange = new AxisRange(0, 10) }.Add(bands);
        using var image = PlotImages.Decode(plot.ToPng(900, 500));
        int panelRight = image.Width / 2;
        Assert.Equal(0, CountInColumns(image, plot.OuterBandColor, 0, panelRight) + CountInColumns(image, plot.InnerBandColor, 0, panelRight));
        Assert.True(CountInColumns(image, PlotColors.Truth, 0, panelRight) > 0, "the truth line is missing");
    }

    [Fact]
    public void Bands_are_drawn_between_their_quantiles()
    {
        // Samples 0, 0.1, …, 10 on a fixed [0, 10] axis: 90 % band [0.5, 9.5], 50 % band [2.5, 7.5], mean 5.
        var values = Enumerable.Range(0, 101).Select(i => i / 10.0).ToList();
        var plot = new ProfilePlot { YRange = new AxisRange(0, 10), ShowCoverage = false }
            .Add("a", null, SameColumns(values, 50));
        using var image = PlotImages.Decode(plot.ToPng(900, 500));

        // A column left of the short panel title and inside the plot area.
        int x = 250;
        var outer = RowsOf(image, x, plot.OuterBandColor);
        var inner = RowsOf(image, x, plot.InnerBandColor);
        Assert.NotEmpty(outer);
        Assert.NotEmpty(inner);
        int frameTop = RowsOf(image, x, FrameColor).First();
        int frameBottom = RowsOf(image, x, FrameColor).First(y => y > outer.Max());
        double height = frameBottom - frameTop;

        Assert.InRange(outer.Min() - frameTop, 0.05 * height - 2, 0.05 * height + 2);
        Assert.InRange(frameBottom - outer.Max(), 0.05 * height - 2, 0.05 * height + 2);
        Assert.InRange(inner.Min() - frameTop, 0.25 * height - 2, 0.25 * height + 2);
        Assert.InRange(frameBottom - inner.Max(), 0.25 * height - 2, 0.25 * height + 2);
        // The mean line lies across the middle of the inner band.
        // The line is antialiased, so its pixels are near rather than equal to its colour.
        var mean = Enumerable.Range(0, image.Height).Where(y => Distance(image.GetPixel(x, y), PlotColors.Gatsbi) < 60).ToList();
        Assert.NotEmpty(mean);
        Assert.InRange(mean.Average() - frameTop, 0.5 * height - 2, 0.5 * height + 2);
    }

    [Fact]
    public void SavePng_writes_a_grid_of_the_requested_size_and_the_default_size_fits_the_panels()
    {
        using var folder = new TempFolder();
        string path = folder.File("profiles.png");
        var plot = new ProfilePlot { Title = "Shallow water" };
        var values = Enumerable.Range(0, 30).Select(i => Math.Sin(i)).ToList();
        for (int k = 0; k < 4; k++)
        {
            plot.Add($"case {k + 1}", [.. Enumerable.Repeat(0.1 * k, 100)], SameColumns(values, 100));
        }

        plot.SavePng(path, 1600, 800);
        using (var image = SKBitmap.Decode(path))
        {
            Assert.NotNull(image);
            Assert.Equal((1600, 800), (image.Width, image.Height));
        }

        Assert.Equal([path], Directory.GetFiles(folder.Path));
        using var byDefault = PlotImages.Decode(plot.ToPng());
        // Three panels of 520 px per row plus the legend; two rows of 380 px under the title.
        Assert.True(byDefault.Width > 3 * 520, $"width {byDefault.Width}");
        Assert.True(byDefault.Height > 2 * 380, $"height {byDefault.Height}");
        Assert.Equal(4, plot.Cases.Count);
    }

    [Fact]
    public void Bad_input_errors_name_the_case_and_what_is_wrong()
    {
        var samples = new float[10, 100];
        var plot = new ProfilePlot();

        var length = Assert.Throws<ArgumentException>(() => plot.Add("case B", new double[99], samples));
        Assert.Contains("'case B'", length.Message);
        Assert.Contains("99 values", length.Message);
        Assert.Contains("100 positions", length.Message);

        samples[3, 6] = float.NaN;
        var nan = Assert.Throws<ArgumentException>(() => plot.Add("case C", null, samples));
        Assert.Contains("'case C': sample 3 at position 7", nan.Message);

        var truth = new double[100];
        truth[41] = double.PositiveInfinity;
        Assert.Contains("truth at position 42", Assert.Throws<ArgumentException>(() => plot.Add("case D", truth, new float[5, 100])).Message);
        Assert.Contains("no posterior samples", Assert.Throws<ArgumentException>(() => plot.Add("case E", null, new float[0, 100])).Message);
        Assert.Contains("at least 2", Assert.Throws<ArgumentException>(() => plot.Add("case F", null, new float[5, 1])).Message);
        Assert.Throws<ArgumentException>(() => plot.Add(" ", null, new float[5, 10]));
        Assert.Contains("Add at least one case", Assert.Throws<InvalidOperationException>(() => plot.ToPng()).Message);
        Assert.Contains("3, 2 and 3", Assert.Throws<ArgumentException>(() => ProfileBands.Coverage([1, 2, 3], [0, 0], [4, 4, 4])).Message);
    }

    private static int Distance(SKColor a, SKColor b) => Math.Abs(a.Red - b.Red) + Math.Abs(a.Green - b.Green) + Math.Abs(a.Blue - b.Blue);

    private static List<int> RowsOf(SKBitmap image, int x, SKColor color) =>
        [.. Enumerable.Range(0, image.Height).Where(y => image.GetPixel(x, y) == color)];

    private static int CountInColumns(SKBitmap image, SKColor color, int fromX, int toX)
    {
        int count = 0;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = fromX; x < toX; x++)
            {
                if (image.GetPixel(x, y) == color)
                {
                    count++;
                }
            }
        }

        return count;
    }
}
