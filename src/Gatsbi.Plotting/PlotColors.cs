using SkiaSharp;

namespace Gatsbi.Plotting;

/// <summary>Colours used by default, exposed so callers can keep figures consistent.</summary>
public static class PlotColors
{
    /// <summary>Neutral grey for reference posterior samples, so an estimate drawn on top stands out.</summary>
    public static SKColor Reference { get; } = new(0x8A, 0x8A, 0x8A);

    /// <summary>Strong blue for the GATSBI estimate; deliberately the first <see cref="Cycle"/> colour, so sets added after it without a colour skip it instead of getting a near-identical blue.</summary>
    public static SKColor Gatsbi => Cycle[0];

    /// <summary>Default colour of marked points such as the true parameter; not part of <see cref="Cycle"/> so it never collides with a set.</summary>
    public static SKColor Truth { get; } = new(0xD6, 0x27, 0x28);

    /// <summary>
    /// Colours handed out, in order, to sample sets and series that were added without one: the Tableau
    /// palette minus its red and grey, then four darker ones so that ten-parameter tasks get distinct lines.
    /// </summary>
    public static IReadOnlyList<SKColor> Cycle { get; } =
    [
        new(0x1F, 0x77, 0xB4),
        new(0xFF, 0x7F, 0x0E),
        new(0x2C, 0xA0, 0x2C),
        new(0x94, 0x67, 0xBD),
        new(0x8C, 0x56, 0x4B),
        new(0xE3, 0x77, 0xC2),
        new(0xBC, 0xBD, 0x22),
        new(0x17, 0xBE, 0xCF),
        new(0x39, 0x3B, 0x79),
        new(0x63, 0x79, 0x39),
        new(0x8C, 0x6D, 0x31),
        new(0x7B, 0x41, 0x73),
    ];

    /// <summary>First cycle colour not already taken, so default colours stay distinct from explicit ones.</summary>
    internal static SKColor NextFree(IEnumerable<SKColor> taken)
    {
        var used = taken.ToHashSet();
        foreach (var color in Cycle)
        {
            if (!used.Contains(color))
            {
                return color;
            }
        }

        return Cycle[used.Count % Cycle.Count];
    }
}
