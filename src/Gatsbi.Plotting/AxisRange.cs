namespace Gatsbi.Plotting;

/// <summary>A closed data interval [<see cref="Min"/>, <see cref="Max"/>] shown along one axis.</summary>
public readonly record struct AxisRange
{
    /// <summary>The interval [<paramref name="min"/>, <paramref name="max"/>], in data units.</summary>
    /// <param name="min">Lower bound, drawn at the left (x) or bottom (y) end of the axis.</param>
    /// <param name="max">Upper bound; must be strictly greater than <paramref name="min"/>.</param>
    /// <exception cref="ArgumentException">Either bound is not finite, or <paramref name="min"/> is not below <paramref name="max"/>.</exception>
    public AxisRange(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || !(min < max))
        {
            throw new ArgumentException($"An axis range needs finite bounds with min < max; got [{min}, {max}].");
        }

        Min = min;
        Max = max;
    }

    /// <summary>Lower bound of the interval (finite; 0 for <c>default(AxisRange)</c>).</summary>
    public double Min { get; }

    /// <summary>Upper bound of the interval (finite and greater than <see cref="Min"/>, except for <c>default(AxisRange)</c>).</summary>
    public double Max { get; }

    /// <summary>False only for <c>default(AxisRange)</c>, which bypasses the constructor's checks.</summary>
    internal bool IsValid => Min < Max;
}
