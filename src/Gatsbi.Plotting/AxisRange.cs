namespace Gatsbi.Plotting;

/// <summary>A closed data interval [<see cref="Min"/>, <see cref="Max"/>] shown along one axis.</summary>
public readonly record struct AxisRange
{
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

    public double Min { get; }

    public double Max { get; }

    /// <summary>False only for <c>default(AxisRange)</c>, which bypasses the constructor's checks.</summary>
    internal bool IsValid => Min < Max;
}
