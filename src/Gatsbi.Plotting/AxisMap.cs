namespace Gatsbi.Plotting;

/// <summary>Maps data values on one axis to pixel coordinates; <see cref="To"/> may be below <see cref="From"/> (y axes grow upwards).</summary>
internal readonly record struct AxisMap(double Min, double Max, float From, float To, bool Log = false)
{
    public float ToPixel(double value)
    {
        double t = Log
            ? (Math.Log10(value) - Math.Log10(Min)) / (Math.Log10(Max) - Math.Log10(Min))
            : (value - Min) / (Max - Min);
        return (float)(From + t * (To - From));
    }
}
