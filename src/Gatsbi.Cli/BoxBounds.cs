using System.CommandLine;
using System.Globalization;
using Gatsbi.Distributions;
using Gatsbi.Storage;

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

    /// <summary>
    /// Refuses θ rows outside <paramref name="box"/> (from --prior-low/--prior-high), naming the first value
    /// outside, its bound and the number of such rows; <paramref name="source"/> names the file ("--theta t.csv").
    /// A posterior keeps only samples inside its prior's box, so a model trained on rows outside it learns mass
    /// that sampling then rejects: fewer samples than asked, or none, with nothing in the training to show why.
    /// A value on a bound is inside (the box is closed, and a prior's draws stored in float32 can land on one),
    /// and a non-finite value is left to training, which drops its row and says so.
    /// </summary>
    /// <exception cref="ArgumentException">A row lies outside the box.</exception>
    public static void RequireInside(Support box, NamedMatrix theta, string source)
    {
        int outside = 0;
        string? first = null;
        for (int i = 0; i < theta.Rows; i++)
        {
            bool rowOutside = false;
            for (int j = 0; j < theta.Columns; j++)
            {
                float v = theta.Values[i, j];
                if (!float.IsFinite(v) || (v >= box.Low[j] && v <= box.High[j])) continue;
                rowOutside = true;
                first ??= $"row {i + 1}, column {j + 1} ({theta.ColumnNames[j]}) is {Invariant(v)}, " +
                          (v < box.Low[j] ? $"below its --prior-low {Invariant(box.Low[j])}" : $"above its --prior-high {Invariant(box.High[j])}");
            }
            if (rowOutside) outside++;
        }
        if (first is not null)
            throw new ArgumentException($"{source}: {first}; {outside:N0} of {theta.Rows:N0} rows lie outside the --prior-low/--prior-high box. " +
                                        "The posterior keeps only samples inside the box, so it would learn mass it then rejects: widen the bounds or remove those rows.");
    }

    private static string Invariant(float value) => value.ToString(CultureInfo.InvariantCulture);
}
