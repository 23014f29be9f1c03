using SkiaSharp;

namespace Gatsbi.Plotting;

internal enum VerticalAlign
{
    Top,
    Middle,
    Bottom,
}

/// <summary>A font plus colour, with the measuring and anchored drawing that layout needs.</summary>
internal sealed class TextStyle : IDisposable
{
    private const string Family = "DejaVu Sans";

    // Loaded once: typeface lookup goes through fontconfig and is comparatively slow.
    private static readonly SKTypeface RegularFace = LoadTypeface(SKFontStyle.Normal);
    private static readonly SKTypeface BoldFace = LoadTypeface(SKFontStyle.Bold);

    private readonly SKFont _font;
    private readonly SKPaint _paint;

    public TextStyle(float size, SKColor color, bool bold = false)
    {
        _font = new SKFont(bold ? BoldFace : RegularFace, size) { Edging = SKFontEdging.Antialias, Subpixel = true };
        _paint = new SKPaint { Color = color, IsAntialias = true };
    }

    public float Size => _font.Size;

    /// <summary>Height of capitals and digits: what the eye centres on, so tick labels line up with their ticks.</summary>
    public float CapHeight => _font.Metrics.CapHeight > 0 ? _font.Metrics.CapHeight : -_font.Metrics.Ascent * 0.7f;

    /// <summary>Full height of a line including descenders, for stacking text.</summary>
    public float LineHeight => _font.Metrics.Descent - _font.Metrics.Ascent;

    public float Width(string text) => _font.MeasureText(text);

    /// <summary>Shortens <paramref name="text"/> with an ellipsis until it fits <paramref name="maxWidth"/>.</summary>
    public string Fit(string text, float maxWidth)
    {
        if (Width(text) <= maxWidth)
        {
            return text;
        }

        for (int length = text.Length - 1; length > 0; length--)
        {
            string candidate = text[..length].TrimEnd() + "…";
            if (Width(candidate) <= maxWidth)
            {
                return candidate;
            }
        }

        return "…";
    }

    /// <summary>Draws text so that (<paramref name="x"/>, <paramref name="y"/>) is at the given horizontal and vertical anchor.</summary>
    public void Draw(SKCanvas canvas, string text, float x, float y, SKTextAlign align, VerticalAlign vertical)
    {
        var metrics = _font.Metrics;
        float baseline = vertical switch
        {
            VerticalAlign.Top => y - metrics.Ascent,
            VerticalAlign.Middle => y + CapHeight / 2,
            _ => y - metrics.Descent,
        };
        canvas.DrawText(text, x, baseline, align, _font, _paint);
    }

    /// <summary>Draws text rotated a quarter turn counter-clockwise, centred on (<paramref name="x"/>, <paramref name="y"/>); used for y-axis titles.</summary>
    public void DrawVertical(SKCanvas canvas, string text, float x, float y)
    {
        canvas.Save();
        canvas.RotateDegrees(-90, x, y);
        Draw(canvas, text, x, y, SKTextAlign.Center, VerticalAlign.Middle);
        canvas.Restore();
    }

    public void Dispose()
    {
        _font.Dispose();
        _paint.Dispose();
    }

    private static SKTypeface LoadTypeface(SKFontStyle style) =>
        SKTypeface.FromFamilyName(Family, style) ?? SKTypeface.Default;
}
