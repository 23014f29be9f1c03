using Gatsbi.Plotting;
using SkiaSharp;

namespace Gatsbi.Tests.Plotting;

public class ImageGridTests
{
    private static float[] Filled(float value, int pixels = 28 * 28) => [.. Enumerable.Repeat(value, pixels)];

    private static SKColor Grey(byte level) => new(level, level, level);

    [Fact]
    public void SavePng_writes_a_decodable_png_of_the_laid_out_size_with_cells_of_scale_times_the_image()
    {
        using var folder = new TempFolder();
        string path = folder.File("grid.png");
        var grid = new ImageGrid(28, 28) { Title = "Camera model", Scale = 3 }
            .AddColumn("observation", new AxisRange(0, 1))
            .AddColumn("truth", new AxisRange(0, 1))
            .AddRow("case 1", Filled(0), Filled(1))
            .AddRow("case 2", Filled(1), Filled(0));
        grid.SavePng(path);

        using var image = SKBitmap.Decode(path);
        Assert.NotNull(image);
        var (cell, width, height) = grid.Locate(0, 0);
        Assert.Equal((width, height), (image.Width, image.Height));
        Assert.Equal([path], Directory.GetFiles(folder.Path));

        // The black cell, measured in the picture along its middle row and column: 3 × 28 = 84 pixels each way.
        int run = 0;
        for (int x = cell.Left - 2; x < cell.Right + 2; x++)
        {
            run += image.GetPixel(x, cell.MidY) == SKColors.Black ? 1 : 0;
        }

        int columnRun = Enumerable.Range(cell.Top - 2, cell.Height + 4).Count(y => image.GetPixel(cell.MidX, y) == SKColors.Black);
        Assert.Equal((84, 84), (run, columnRun));
    }

    [Fact]
    public void White_and_black_images_land_in_their_cells()
    {
        var grid = new ImageGrid(28, 28) { Scale = 4 }
            .AddColumn("a", new AxisRange(0, 1))
            .AddColumn("b", new AxisRange(0, 1))
            .AddRow("first", Filled(1), Filled(0))
            .AddRow("second", Filled(0), Filled(1));
        using var image = PlotImages.Decode(grid.ToPng());

        foreach (var (row, column, expected) in new[] { (0, 0, SKColors.White), (0, 1, SKColors.Black), (1, 0, SKColors.Black), (1, 1, SKColors.White) })
        {
            var cell = grid.Locate(row, column).Cell;
            Assert.Equal((112, 112), (cell.Width, cell.Height));
            // Centre and all four corners of the cell have the image's colour; just outside is the frame.
            foreach (var (x, y) in new[] { (cell.MidX, cell.MidY), (cell.Left, cell.Top), (cell.Right - 1, cell.Top), (cell.Left, cell.Bottom - 1), (cell.Right - 1, cell.Bottom - 1) })
            {
                Assert.Equal(expected, image.GetPixel(x, y));
            }

            Assert.NotEqual(expected, image.GetPixel(cell.Left - 1, cell.MidY));
            Assert.NotEqual(SKColors.White, image.GetPixel(cell.Left - 1, cell.MidY));
        }

        // Rows go down, columns go right.
        Assert.True(grid.Locate(1, 0).Cell.Top > grid.Locate(0, 0).Cell.Bottom);
        Assert.True(grid.Locate(0, 1).Cell.Left > grid.Locate(0, 0).Cell.Right);
        Assert.Equal(grid.Locate(0, 0).Cell.Left, grid.Locate(1, 0).Cell.Left);
    }

    [Fact]
    public void Upscaling_is_nearest_neighbour_and_keeps_row_major_order()
    {
        // A 2 × 3 image with a single white pixel at image row 1, column 2.
        var pixels = new float[6];
        pixels[1 * 3 + 2] = 1;
        var grid = new ImageGrid(2, 3) { Scale = 40 }.AddColumn("one", new AxisRange(0, 1)).AddRow(null, pixels);
        using var image = PlotImages.Decode(grid.ToPng());
        var cell = grid.Locate(0, 0).Cell;
        Assert.Equal((120, 80), (cell.Width, cell.Height));

        for (int y = 0; y < 80; y++)
        {
            for (int x = 0; x < 120; x++)
            {
                var expected = x >= 80 && y >= 40 ? SKColors.White : SKColors.Black;
                Assert.True(image.GetPixel(cell.Left + x, cell.Top + y) == expected, $"pixel ({x}, {y}) of the cell");
            }
        }
    }

    [Fact]
    public void Each_column_maps_values_through_its_own_range()
    {
        // Column "wide": [0, 2], so 1 is mid-grey; "unit": [0, 1], so 2 clamps to white and −1 to black;
        // "auto": [0, max of the column] = [0, 0.5], so 0.25 is mid-grey and 0.5 white.
        var half = new float[28 * 28];
        for (int i = 0; i < half.Length; i++)
        {
            half[i] = i % 28 < 14 ? 0.25f : 0.5f;
        }

        var grid = new ImageGrid(28, 28) { Scale = 3 }
            .AddColumn("wide", new AxisRange(0, 2))
            .AddColumn("unit", new AxisRange(0, 1))
            .AddColumn("auto")
            .AddRow("r1", Filled(1), Filled(2), half)
            .AddRow("r2", Filled(2), Filled(-1), Filled(0.1f));
        Assert.Equal(new AxisRange(0, 0.5), grid.ColumnRange(2));
        Assert.Equal(new AxisRange(0, 2), grid.ColumnRange(0));
        using var image = PlotImages.Decode(grid.ToPng());

        SKColor At(int row, int column, int dx = 0)
        {
            var cell = grid.Locate(row, column).Cell;
            return image.GetPixel(cell.MidX + dx, cell.MidY);
        }

        Assert.Equal(Grey(128), At(0, 0));
        Assert.Equal(SKColors.White, At(1, 0));
        Assert.Equal(SKColors.White, At(0, 1));
        Assert.Equal(SKColors.Black, At(1, 1));
        Assert.Equal(Grey(128), At(0, 2, -20));
        Assert.Equal(SKColors.White, At(0, 2, +20));
        Assert.Equal(Grey(51), At(1, 2));
    }

    [Fact]
    public void Auto_range_of_a_constant_or_negative_column_is_still_an_interval()
    {
        var grid = new ImageGrid(2, 2).AddColumn("zeros").AddColumn("negative").AddRow(null, Filled(0, 4), [-3, -1, -2, -1]);
        Assert.Equal(new AxisRange(0, 1), grid.ColumnRange(0));
        Assert.Equal(new AxisRange(-3, -1), grid.ColumnRange(1));
        using var image = PlotImages.Decode(grid.ToPng());
        Assert.True(image.Width >= 200 && image.Height >= 150);
    }

    [Fact]
    public void Bad_input_errors_name_the_row_and_column()
    {
        var grid = new ImageGrid(28, 28).AddColumn("observation", new AxisRange(0, 1)).AddColumn("posterior std");

        var count = Assert.Throws<ArgumentException>(() => grid.AddRow("case 1", Filled(0), Filled(0, 783)));
        Assert.Contains("row 1 ('case 1'), column 'posterior std'", count.Message);
        Assert.Contains("783 values", count.Message);
        Assert.Contains("28×28 image needs 784", count.Message);

        var images = Assert.Throws<ArgumentException>(() => grid.AddRow("case 1", Filled(0)));
        Assert.Contains("1 image(s) but the grid has 2 column(s) (observation, posterior std)", images.Message);

        var nan = Filled(0);
        nan[28 * 5 + 3] = float.NaN;
        Assert.Contains("column 'observation': pixel 143 (image row 5, column 3) is NaN", Assert.Throws<ArgumentException>(() => grid.AddRow(null, nan, null)).Message);
        Assert.Equal(0, grid.RowCount);
        Assert.Contains("Add at least one row", Assert.Throws<InvalidOperationException>(() => grid.ToPng()).Message);

        grid.AddRow("case 1", Filled(0), null);
        Assert.Contains("row 2, column 'observation'", Assert.Throws<ArgumentException>(() => grid.AddRow(null, Filled(0, 10), null)).Message);
        Assert.Contains("before the first row", Assert.Throws<InvalidOperationException>(() => grid.AddColumn("late")).Message);
        Assert.Contains("before the rows", Assert.Throws<InvalidOperationException>(() => new ImageGrid(2, 2).AddRow(null, Filled(0, 4))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageGrid(0, 28));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageGrid(28, 28) { Scale = 0 });
        Assert.Throws<ArgumentException>(() => new ImageGrid(2, 2).AddColumn("x", default(AxisRange)));
    }
}
