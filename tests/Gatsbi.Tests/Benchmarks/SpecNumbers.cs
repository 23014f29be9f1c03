using System.Globalization;

namespace Gatsbi.Tests.Benchmarks;

/// <summary>
/// Comparisons with reference numbers computed independently of this code from sbibm's stored files, each quoted to a
/// certain number of decimals.
/// </summary>
public static class SpecNumbers
{
    /// <summary>Half a unit in the last decimal of <paramref name="shown"/>: the rounding of the quoted value.</summary>
    public static double HalfUnit(string shown)
    {
        int point = shown.IndexOf('.');
        int decimals = point < 0 ? 0 : shown.Length - point - 1;
        return 0.5 * Math.Pow(10, -decimals);
    }

    public static double Parse(string shown) => double.Parse(shown, CultureInfo.InvariantCulture);

    /// <summary>
    /// Asserts that <paramref name="actual"/> rounds to <paramref name="shown"/>, allowing in addition a relative
    /// difference of <paramref name="relative"/> for what the quoted value's own computation may be off by.
    /// </summary>
    public static void AssertMatches(string shown, double actual, double relative, string what)
    {
        double expected = Parse(shown);
        double allowed = HalfUnit(shown) + relative * Math.Abs(expected);
        Assert.True(Math.Abs(actual - expected) <= allowed, $"{what}: {actual:R} vs the specified {shown} (allowed ±{allowed:e2})");
    }
}
