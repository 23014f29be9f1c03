using System.Globalization;

namespace Gatsbi.Storage;

/// <summary>
/// Parses a number written as text, in CSV cells and in the line protocol's simulator replies alike, so that
/// both accept the same spellings: invariant-culture decimals and exponents, and the non-finite values as
/// .NET, NumPy, pandas, C's printf and R write them, in any letter case and with an optional sign:
/// <c>nan</c>, <c>NaN</c>, <c>inf</c>, <c>-inf</c>, <c>+inf</c>, <c>Infinity</c>, <c>-Infinity</c>.
/// .NET's own parser knows every spelling but <c>inf</c>, the one NumPy and pandas write.
/// </summary>
internal static class NumberText
{
    /// <summary>Parses <paramref name="text"/> as a float; leading and trailing white space is allowed.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out float value)
    {
        if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;
        if (!IsInfinity(text, out bool negative)) return false;
        value = negative ? float.NegativeInfinity : float.PositiveInfinity;
        return true;
    }

    /// <summary>Parses <paramref name="text"/> as a double; leading and trailing white space is allowed.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out double value)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;
        if (!IsInfinity(text, out bool negative)) return false;
        value = negative ? double.NegativeInfinity : double.PositiveInfinity;
        return true;
    }

    /// <summary>Whether <paramref name="text"/> is <c>inf</c> with an optional sign, in any case.</summary>
    private static bool IsInfinity(ReadOnlySpan<char> text, out bool negative)
    {
        text = text.Trim();
        negative = text is ['-', ..];
        if (text is ['-' or '+', ..]) text = text[1..];
        return text.Equals("inf", StringComparison.OrdinalIgnoreCase);
    }
}
