using System.Globalization;
using SkiaSharp;

namespace Gatsbi.Plotting;

/// <summary>
/// A table of greyscale images (the camera model's 28×28 pictures): one row per test case, titled columns such as
/// "observation", "truth", "posterior mean", "posterior std", "sample 1", …. Every image is a row-major array of
/// height × width values; each column maps values to grey through its own range (low end black, high end white,
/// values outside clamped), drawn as a grey-scale bar with its end values under the column title. Images are
/// enlarged by nearest-neighbour upscaling, so every data pixel stays a crisp square.
/// </summary>
/// <example>
/// <code>
/// var grid = new ImageGrid(28, 28) { Title = "Camera model" }
///     .AddColumn("observation", new AxisRange(0, 1))
///     .AddColumn("truth", new AxisRange(0, 1))
///     .AddColumn("posterior mean", new AxisRange(0, 1))
///     .AddColumn("posterior std");               // auto: [0, largest value in the column]
/// grid.AddRow("case 1", observation, truth, mean, std);
/// grid.SavePng("camera.png");
/// </code>
/// </example>
public sealed class ImageGrid
{
    private static readonly SKColor Ink = new(0x22, 0x22, 0x22);
    private static readonly SKColor FrameColor = new(0x55, 0x55, 0x55);
    private static readonly SKColor EmptyColor = new(0xCC, 0xCC, 0xCC);

    private readonly List<(string Title, AxisRange? Range)> _columns = [];
    private readonly List<(string? Label, float[]?[] Images)> _rows = [];

    /// <summary>An empty grid for images of <paramref name="imageHeight"/> × <paramref name="imageWidth"/> pixels.</summary>
    /// <param name="imageHeight">Rows of every image.</param>
    /// <param name="imageWidth">Columns of every image.</param>
    /// <exception cref="ArgumentOutOfRangeException">Either size is below 1.</exception>
    public ImageGrid(int imageHeight, int imageWidth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(imageHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageWidth, 1);
        ImageHeight = imageHeight;
        ImageWidth = imageWidth;
    }

    /// <summary>Rows of pixels in every image; each image holds <see cref="ImageHeight"/> × <see cref="ImageWidth"/> values.</summary>
    public int ImageHeight { get; }

    /// <summary>Columns of pixels in every image (the length of one row of the row-major array).</summary>
    public int ImageWidth { get; }

    /// <summary>Figure title drawn centred above the column titles; null for none.</summary>
    public string? Title { get; set; }

    /// <summary>Screen pixels per image pixel along each axis; null picks about 100 screen pixels per image (4 for 28×28, i.e. 112 px).</summary>
    public int? Scale
    {
        get;
        set
        {
            if (value is < 1 or > 64)
            {
                throw new ArgumentOutOfRangeException(nameof(Scale), value, "Scale must be between 1 and 64 screen pixels per image pixel.");
            }

            field = value;
        }
    }

    /// <summary>Columns added so far with <see cref="AddColumn"/>.</summary>
    public int ColumnCount => _columns.Count;

    /// <summary>Rows added so far with <see cref="AddRow"/>.</summary>
    public int RowCount => _rows.Count;

    /// <summary>Adds a column; all columns must be added before the first row.</summary>
    /// <param name="title">Column heading, drawn above the column's grey-scale bar.</param>
    /// <param name="range">Values mapped to black (<see cref="AxisRange.Min"/>) through white (<see cref="AxisRange.Max"/>), e.g. [0, 1] for
    /// images; null spans from min(0, smallest value) to the largest value in the column, e.g. [0, max] for a posterior standard deviation.</param>
    /// <exception cref="ArgumentException">Empty title, or a <c>default</c> range.</exception>
    /// <exception cref="InvalidOperationException">Rows were added already.</exception>
    public ImageGrid AddColumn(string title, AxisRange? range = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        if (range is { IsValid: false })
        {
            throw new ArgumentException($"Column '{title}' has an uninitialised range (default(AxisRange)).", nameof(range));
        }

        if (_rows.Count > 0)
        {
            throw new InvalidOperationException($"Add all columns before the first row; column '{title}' came after {_rows.Count} row(s).");
        }

        _columns.Add((title, range));
        return this;
    }

    /// <summary>Adds a row with one image per column, in column order; a null image leaves its cell empty.</summary>
    /// <param name="label">Written to the left of the row, or null for none.</param>
    /// <param name="images">One row-major image of <see cref="ImageHeight"/> × <see cref="ImageWidth"/> finite values per column, or null
    /// for an empty cell. The values are copied, so the arrays may be reused afterwards.</param>
    /// <exception cref="ArgumentException">
    /// A different number of images than columns, an image with the wrong number of values, or a non-finite value;
    /// the message names the row (counted from 1, with its label) and the column.
    /// </exception>
    /// <exception cref="InvalidOperationException">No column was added.</exception>
    public ImageGrid AddRow(string? label, params IReadOnlyList<float>?[] images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (_columns.Count == 0)
        {
            throw new InvalidOperationException("Add the columns (AddColumn) before the rows.");
        }

        string row = label is null ? $"row {_rows.Count + 1}" : $"row {_rows.Count + 1} ('{label}')";
        if (images.Length != _columns.Count)
        {
            throw new ArgumentException(
                $"Image grid {row} has {images.Length} image(s) but the grid has {_columns.Count} column(s) ({string.Join(", ", _columns.Select(c => c.Title))}).",
                nameof(images));
        }

        int pixels = ImageHeight * ImageWidth;
        var copies = new float[]?[images.Length];
        for (int c = 0; c < images.Length; c++)
        {
            if (images[c] is not { } image)
            {
                continue;
            }

            if (image.Count != pixels)
            {
                throw new ArgumentException(
                    $"Image grid {row}, column '{_columns[c].Title}': {image.Count} values but a {ImageHeight}×{ImageWidth} image needs {pixels}.",
                    nameof(images));
            }

            var copy = image.ToArray();
            int bad = Array.FindIndex(copy, v => !float.IsFinite(v));
            if (bad >= 0)
            {
                throw new ArgumentException(
                    $"Image grid {row}, column '{_columns[c].Title}': pixel {bad} (image row {bad / ImageWidth}, column {bad % ImageWidth}) is {copy[bad]}.",
                    nameof(images));
            }

            copies[c] = copy;
        }

        _rows.Add((label, copies));
        return this;
    }

    /// <summary>The range column <paramref name="column"/> maps to grey: the one given, or the one spanned by its data.</summary>
    public AxisRange ColumnRange(int column)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, _columns.Count);
        if (_columns[column].Range is { } fixedRange)
        {
            return fixedRange;
        }

        double min = 0;
        double max = double.NegativeInfinity;
        foreach (var image in _rows.Select(r => r.Images[column]).OfType<float[]>())
        {
            foreach (float v in image)
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        // An empty or constant column (e.g. a standard deviation of zero everywhere) still needs a proper interval.
        return max > min ? new AxisRange(min, max) : new AxisRange(min, min + 1);
    }

    /// <summary>Renders the table; its size follows from the images, <see cref="Scale"/> and the text.</summary>
    /// <exception cref="InvalidOperationException">No row, or a figure larger than 10 000 pixels along a side.</exception>
    public byte[] ToPng()
    {
        using var layout = new Layout(this);
        using var surface = PngFile.CreateSurface(layout.Width, layout.Height);
        var canvas = surface.Canvas;
        if (Title is not null)
        {
            layout.TitleText.Draw(canvas, layout.TitleText.Fit(Title, layout.Width - 2 * Layout.Pad), layout.Width / 2f, Layout.Pad, SKTextAlign.Center, VerticalAlign.Top);
        }

        using var frame = new SKPaint { Color = FrameColor, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        using var emptyFrame = new SKPaint { Color = EmptyColor, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        var sampling = new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None);
        var columnText = layout.ColumnText;
        var scaleText = layout.ScaleText;
        for (int c = 0; c < _columns.Count; c++)
        {
            float centre = layout.SlotCentre(c);
            columnText.Draw(canvas, _columns[c].Title, centre, layout.Top, SKTextAlign.Center, VerticalAlign.Top);

            // Grey-scale bar as wide as the images, the range's ends beneath its ends.
            var bar = layout.Bar(c);
            using (var shader = SKShader.CreateLinearGradient(new SKPoint(bar.Left, 0), new SKPoint(bar.Right, 0), [SKColors.Black, SKColors.White], SKShaderTileMode.Clamp))
            using (var gradient = new SKPaint { Shader = shader })
            {
                canvas.DrawRect(bar, gradient);
            }

            canvas.DrawRect(new SKRect(bar.Left - 0.5f, bar.Top - 0.5f, bar.Right + 0.5f, bar.Bottom + 0.5f), frame);
            var (low, high) = layout.RangeLabels[c];
            float labelsTop = bar.Bottom + 3;
            // Under the bar's ends, or further out, symmetrically, where the two labels would not fit under it.
            float labelsLeft = Math.Min(bar.Left, centre - (scaleText.Width(low) + scaleText.Width(high) + layout.MinLabelGap) / 2);
            scaleText.Draw(canvas, low, labelsLeft, labelsTop, SKTextAlign.Left, VerticalAlign.Top);
            scaleText.Draw(canvas, high, 2 * centre - labelsLeft, labelsTop, SKTextAlign.Right, VerticalAlign.Top);

            for (int r = 0; r < _rows.Count; r++)
            {
                SKRect cell = layout.Cell(r, c);
                var outline = new SKRect(cell.Left - 0.5f, cell.Top - 0.5f, cell.Right + 0.5f, cell.Bottom + 0.5f);
                if (_rows[r].Images[c] is not { } values)
                {
                    canvas.DrawRect(outline, emptyFrame);
                    continue;
                }

                using var image = GreyImage(values, layout.Ranges[c]);
                canvas.DrawImage(image, cell, sampling);
                canvas.DrawRect(outline, frame);
            }
        }

        for (int r = 0; r < _rows.Count; r++)
        {
            if (layout.RowLabels[r] is { } label)
            {
                var cell = layout.Cell(r, 0);
                layout.RowText.Draw(canvas, label, layout.TableLeft - Layout.ColumnGap, cell.MidY, SKTextAlign.Right, VerticalAlign.Middle);
            }
        }

        return PngFile.Encode(surface);
    }

    /// <summary>Where the image of row <paramref name="row"/>, column <paramref name="column"/> is drawn, and the figure's size: for tests.</summary>
    internal (SKRectI Cell, int Width, int Height) Locate(int row, int column)
    {
        using var layout = new Layout(this);
        return (SKRectI.Round(layout.Cell(row, column)), layout.Width, layout.Height);
    }

    /// <summary>Renders and writes the PNG atomically, creating the folder if needed.</summary>
    public void SavePng(string path) => PngFile.WriteAtomic(path, ToPng());

    /// <summary>Grey level of <paramref name="value"/>: 0 at or below the range's minimum, 255 at or above its maximum.</summary>
    internal static byte Grey(double value, AxisRange range) =>
        (byte)Math.Round(255 * Math.Clamp((value - range.Min) / (range.Max - range.Min), 0, 1));

    private SKImage GreyImage(float[] values, AxisRange range)
    {
        var pixels = new byte[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            pixels[i] = Grey(values[i], range);
        }

        var info = new SKImageInfo(ImageWidth, ImageHeight, SKColorType.Gray8, SKAlphaType.Opaque);
        return SKImage.FromPixelCopy(info, pixels, ImageWidth)
            ?? throw new InvalidOperationException($"Could not create a {ImageWidth}×{ImageHeight} grey image.");
    }

    /// <summary>Three significant digits, without exponent for everyday magnitudes; typographic minus.</summary>
    private static string FormatValue(double value)
    {
        double magnitude = Math.Abs(value);
        if (magnitude != 0 && (magnitude >= 1e5 || magnitude < 1e-3))
        {
            return value.ToString("0.##e-0", CultureInfo.InvariantCulture).Replace('-', '\u2212');
        }

        int decimals = magnitude == 0 ? 0 : Math.Clamp(2 - (int)Math.Floor(Math.Log10(magnitude)), 0, 15);
        string text = Math.Round(value, decimals, MidpointRounding.AwayFromZero).ToString("0.######", CultureInfo.InvariantCulture);
        return text.Replace('-', '\u2212');
    }
    /// <summary>Fonts and positions of one rendering; whole-pixel cell positions keep the upscaled pixels crisp.</summary>
    private sealed class Layout : IDisposable
    {
        public const float Pad = 14, ColumnGap = 14, RowGap = 10, BarHeight = 8, MaxRowLabelWidth = 240;

        private readonly int _slotWidth;
        private readonly float _slotsLeft;
        private readonly float _headerHeight;

        public Layout(ImageGrid grid)
        {
            if (grid._rows.Count == 0)
            {
                throw new InvalidOperationException("Add at least one row before rendering an image grid.");
            }

            TitleText = new TextStyle(20, Ink, bold: true);
            ColumnText = new TextStyle(14, Ink);
            ScaleText = new TextStyle(11, Ink);
            RowText = new TextStyle(14, Ink);
            MinLabelGap = ScaleText.Size;

            int scale = grid.Scale ?? Math.Max(1, (int)Math.Round(100.0 / Math.Max(grid.ImageHeight, grid.ImageWidth)));
            CellWidth = scale * grid.ImageWidth;
            CellHeight = scale * grid.ImageHeight;
            int columns = grid._columns.Count;
            int rows = grid._rows.Count;
            Ranges = [.. Enumerable.Range(0, columns).Select(grid.ColumnRange)];
            RangeLabels = [.. Ranges.Select(r => (FormatValue(r.Min), FormatValue(r.Max)))];
            // Columns share one width: wide enough for the image, the title and the two range labels side by side.
            _slotWidth = (int)MathF.Ceiling(new[] { (float)CellWidth }
                .Concat(grid._columns.Select(c => ColumnText.Width(c.Title)))
                .Concat(RangeLabels.Select(l => ScaleText.Width(l.Low) + ScaleText.Width(l.High) + MinLabelGap))
                .Max());
            RowLabels = [.. grid._rows.Select(r => r.Label is null ? null : RowText.Fit(r.Label, MaxRowLabelWidth))];
            float labelWidth = RowLabels.OfType<string>().Select(RowText.Width).DefaultIfEmpty(0).Max();
            float labelColumn = labelWidth > 0 ? MathF.Ceiling(labelWidth) + ColumnGap : 0;
            float titleHeight = grid.Title is null ? 0 : TitleText.LineHeight + Pad;
            _headerHeight = MathF.Ceiling(ColumnText.LineHeight + 4 + BarHeight + 3 + ScaleText.LineHeight + 8);
            float tableWidth = labelColumn + columns * _slotWidth + (columns - 1) * ColumnGap;
            float tableHeight = _headerHeight + rows * CellHeight + (rows - 1) * RowGap;
            float titleWidth = grid.Title is null ? 0 : TitleText.Width(grid.Title);
            Width = (int)MathF.Ceiling(Math.Max(Math.Max(tableWidth, titleWidth) + 2 * Pad, 200));
            Height = (int)MathF.Ceiling(Math.Max(Pad + titleHeight + tableHeight + Pad, 150));
            if (Width > 10_000 || Height > 10_000)
            {
                Dispose();
                throw new InvalidOperationException(
                    $"{rows} row(s) × {columns} column(s) of {CellWidth}×{CellHeight} px images need a {Width}×{Height} figure; the limit is 10000 per side. Lower Scale or split the grid.");
            }

            TableLeft = MathF.Round((Width - tableWidth) / 2) + labelColumn;
            _slotsLeft = TableLeft;
            Top = MathF.Round(Pad + titleHeight);
        }

        public TextStyle TitleText { get; }

        public TextStyle ColumnText { get; }

        public TextStyle ScaleText { get; }

        public TextStyle RowText { get; }

        public float MinLabelGap { get; }

        public int Width { get; }

        public int Height { get; }

        public int CellWidth { get; }

        public int CellHeight { get; }

        public AxisRange[] Ranges { get; }

        public (string Low, string High)[] RangeLabels { get; }

        public string?[] RowLabels { get; }

        /// <summary>Left edge of the first column (right of the row labels).</summary>
        public float TableLeft { get; }

        /// <summary>Top of the column titles.</summary>
        public float Top { get; }

        public float SlotCentre(int column) => _slotsLeft + column * (_slotWidth + ColumnGap) + _slotWidth / 2f;

        public SKRect Bar(int column) =>
            SKRect.Create(MathF.Round(SlotCentre(column) - CellWidth / 2f), MathF.Round(Top + ColumnText.LineHeight + 4), CellWidth, BarHeight);

        public SKRect Cell(int row, int column) =>
            SKRect.Create(MathF.Round(SlotCentre(column) - CellWidth / 2f), Top + _headerHeight + row * (CellHeight + RowGap), CellWidth, CellHeight);

        public void Dispose()
        {
            TitleText.Dispose();
            ColumnText.Dispose();
            ScaleText.Dispose();
            RowText.Dispose();
        }
    }
}
