using System.CommandLine;
using Gatsbi.Distributions;

namespace Gatsbi.Cli;

/// <summary>The --prior-low / --prior-high pair of options: box bounds, one pair per parameter.</summary>
internal static class BoxBounds
{
    /// <summary>The values of a bounds option, or null when it was not given (the parser reports that as an empty array).</summary>
    public static float[]? Values(ParseResult parse, Option<float[]?> option) => parse.GetValue(option) is { Length: > 0 } values ? values : null;

    /// <summary>The bounds, or null when neither option is given; <paramref name="dimension"/>, when known, is checked.</summary>
    public static Support? Read(float[]? low, float[]? high, int? dimension, string dimensionSource)
    {
        if (low is null && high is null) return null;
        if (low is null || high is null) throw new ArgumentException("Give both --prior-low and --prior-high, or neither.");
        if (low.Length != high.Length)
            throw new ArgumentException($"--prior-low has {low.Length} values but --prior-high has {high.Length}; give one pair per parameter.");
        if (dimension is { } d && low.Length != d)
            throw new ArgumentException($"--prior-low/--prior-high need {d} values each (one per parameter of {dimensionSource}); got {low.Length}.");
        for (int j = 0; j < low.Length; j++)
            if (!(low[j] < high[j]))
                throw new ArgumentException($"--prior-low value {j + 1} ({low[j]}) must be below --prior-high value {j + 1} ({high[j]}).");
        return new Support(low, high);
    }
}
