using Gatsbi.Plotting;
using SkiaSharp;

namespace Gatsbi.Tests.Plotting;

public class PairPlotTests
{
    private static double[,] Cluster(int n, double[] centre, double spread, int seed = 7)
    {
        var random = new Random(seed);
        var samples = new double[n, centre.Length];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < centre.Length; j++)
            {
                samples[i, j] = centre[j] + spread * (random.NextDouble() - 0.5);
            }
        }

        return samples;
    }

    [Fact]
    public void SavePng_WritesDecodablePngOfRequestedSize()
    {
        using var folder = new TempFolder();
        string path = folder.File("pair.png");

        new PairPlot(["a", "b", "c"]) { Title = "test" }
            .Add("set", Cluster(500, [0, 1, 2], 1))
            .MarkPoint("true θ", [0, 1, 2])
            .SavePng(path, 640);

        using var image = SKBitmap.Decode(path);
        Assert.NotNull(image);
        Assert.Equal(640, image.Width);
        Assert.Equal(640, image.Height);
        Assert.Equal(SKColors.White, image.GetPixel(1, 1));
    }

    [Fact]
    public void FloatAndDoubleSamplesRenderIdentically()
    {
        var doubles = Cluster(300, [1, 2], 1);
        var floats = new float[300, 2];
        for (int i = 0; i < 300; i++)
        {
            floats[i, 0] = (float)doubles[i, 0];
            floats[i, 1] = (float)doubles[i, 1];
        }

        // Snap the doubles to float precision so both inputs hold the same values.
        for (int i = 0; i < 300; i++)
        {
            doubles[i, 0] = floats[i, 0];
            doubles[i, 1] = floats[i, 1];
        }

        byte[] fromDoubles = new PairPlot(["x", "y"]).Add("s", doubles).ToPng(400);
        byte[] fromFloats = new PairPlot(["x", "y"]).Add("s", floats).ToPng(400);

        Assert.Equal(fromDoubles, fromFloats);
    }

    [Fact]
    public void Rendering_IsDeterministic()
    {
        var plot = new PairPlot(["x", "y"]).Add("s", Cluster(20_000, [0, 0], 2)).MarkPoint("p", [0.1, 0.2]);

        Assert.Equal(plot.ToPng(500), plot.ToPng(500));
    }

    [Fact]
    public void TightCluster_ColoursItsPanelRegion_AndLeavesTheMirroredRegionWhite()
    {
        // With limits [0, 10] on both axes, a cluster at (2.5, 7.5) sits a quarter of the way across and three
        // quarters of the way up the scatter panel (row 1, column 0). For a 1000 px two-parameter plot that panel
        // spans roughly x ∈ [0.09, 0.53] and y ∈ [0.50, 0.92] of the image, so the cluster lands near (0.20, 0.60)
        // and its mirror image (7.5, 2.5) near (0.42, 0.81). Boxes of ±3 % tolerate layout tweaks, not a flipped axis.
        var plot = new PairPlot(["θ₁", "θ₂"]) { Limits = [new(0, 10), new(0, 10)] }
            .Add("cluster", Cluster(2000, [2.5, 7.5], 0.1), new SKColor(220, 0, 0));
        using var image = PlotImages.Decode(plot.ToPng(1000));

        Assert.True(PlotImages.CountColoured(image, 0.20, 0.60, 0.03) > 20, "the scatter panel shows no dots where the cluster is");
        Assert.Equal(0, PlotImages.CountColoured(image, 0.42, 0.81, 0.03));

        // Diagonal θ₁ (top-left panel, y ≈ [0.06, 0.48]): a tall bar at 2.5, nothing at 7.5.
        Assert.True(PlotImages.CountColoured(image, 0.20, 0.35, 0.02) > 20, "the θ₁ histogram has no bar at the cluster");
        Assert.Equal(0, PlotImages.CountColoured(image, 0.42, 0.35, 0.03));

        // Top-right panel is the empty upper triangle: only the legend, at its top.
        Assert.Equal(0, PlotImages.CountColoured(image, 0.75, 0.35, 0.1));
    }

    [Fact]
    public void DefaultColours_AreDistinct_AndAppearInTheLegend()
    {
        var samples = Cluster(200, [0, 0], 1);
        var plot = new PairPlot(["x", "y"])
            .Add("first", samples, PlotColors.Cycle[0])
            .Add("second", samples)
            .Add("third", samples);
        using var image = PlotImages.Decode(plot.ToPng(600));

        // Legend swatches are opaque, so each set's exact colour must appear; "second" must skip the explicit Cycle[0].
        Assert.True(PlotImages.Contains(image, PlotColors.Cycle[0]));
        Assert.True(PlotImages.Contains(image, PlotColors.Cycle[1]));
        Assert.True(PlotImages.Contains(image, PlotColors.Cycle[2]));
        Assert.False(PlotImages.Contains(image, PlotColors.Cycle[3]));
    }

    [Fact]
    public void ColumnCountDifferentFromParameterNames_Throws()
    {
        var plot = new PairPlot(["a", "b"]);

        var error = Assert.Throws<ArgumentException>(() => plot.Add("GATSBI", new float[10, 3]));

        Assert.Contains("'GATSBI' has 3 columns but 2 parameter names", error.Message);
    }

    [Fact]
    public void EmptySamples_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new PairPlot(["a", "b"]).Add("reference", new double[0, 2]));

        Assert.Contains("'reference' is empty", error.Message);
    }

    [Fact]
    public void ColumnWithOnlyNaN_ThrowsNamingTheParameter()
    {
        var samples = Cluster(5, [0, 0], 1);
        for (int i = 0; i < 5; i++)
        {
            samples[i, 1] = i % 2 == 0 ? double.NaN : double.PositiveInfinity;
        }

        var error = Assert.Throws<ArgumentException>(() => new PairPlot(["mass", "spin"]).Add("GATSBI", samples));

        Assert.Contains("column 1 ('spin') has no finite values", error.Message);
    }

    [Fact]
    public void OtherBadInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => new PairPlot([]));
        Assert.Throws<ArgumentException>(() => new PairPlot(["a", " "]));

        var plot = new PairPlot(["a", "b"]).Add("s", Cluster(5, [0, 0], 1));
        Assert.Contains("already added", Assert.Throws<ArgumentException>(() => plot.Add("s", Cluster(5, [0, 0], 1))).Message);
        Assert.Contains("3 values but there are 2 parameters", Assert.Throws<ArgumentException>(() => plot.MarkPoint("p", [1, 2, 3])).Message);
        Assert.Contains("'b'", Assert.Throws<ArgumentException>(() => plot.MarkPoint("p", [1, double.NaN])).Message);
        Assert.Contains("1 ranges but there are 2 parameters", Assert.Throws<ArgumentException>(() => plot.Limits = [new(0, 1)]).Message);
        Assert.Throws<ArgumentException>(() => new AxisRange(1, 1));
        Assert.Throws<InvalidOperationException>(() => new PairPlot(["a"]).ToPng());
    }

    [Fact]
    public void SavePng_LeavesNoTemporaryFiles_AndOverwrites()
    {
        using var folder = new TempFolder();
        string path = folder.File("pair.png");
        var plot = new PairPlot(["a"]).Add("s", Cluster(100, [0], 1));

        plot.SavePng(path, 300);
        plot.SavePng(path, 400);

        Assert.Equal([path], Directory.GetFiles(folder.Path));
        using var image = SKBitmap.Decode(path);
        Assert.Equal(400, image.Width);
    }

    [Fact]
    public void FailedSave_RemovesItsTemporaryFile()
    {
        using var folder = new TempFolder();
        // The destination is an existing folder, so the final rename fails after the temporary file was written.
        string blocked = Directory.CreateDirectory(folder.File("taken.png")).FullName;

        Assert.ThrowsAny<IOException>(() => new PairPlot(["a"]).Add("s", Cluster(100, [0], 1)).SavePng(blocked, 300));

        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void ManyParameters_DensityDiagonal_Renders()
    {
        string[] names = [.. Enumerable.Range(1, 8).Select(i => $"parameter {i}")];
        var plot = new PairPlot(names) { Diagonal = DiagonalStyle.Density, MaxScatterPoints = 1000 }
            .Add("reference", Cluster(3000, new double[8], 1), PlotColors.Reference)
            .Add("GATSBI", Cluster(3000, new double[8], 1.2), PlotColors.Gatsbi);

        using var image = PlotImages.Decode(plot.ToPng());

        Assert.Equal(PairPlot.DefaultSize(8), image.Width);
    }
}
