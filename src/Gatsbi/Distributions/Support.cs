namespace Gatsbi.Distributions;

/// <summary>
/// An axis-aligned box that contains all prior mass. Bounds may be infinite on either side.
/// Posterior samplers use it to reject samples the prior rules out.
/// </summary>
public sealed record Support
{
    /// <summary>The box with lower bounds <paramref name="low"/> and upper bounds <paramref name="high"/> (the arrays are kept, not copied).</summary>
    /// <exception cref="ArgumentException">The arrays differ in length, or a lower bound is not below its upper bound (NaN bounds included).</exception>
    public Support(float[] low, float[] high)
    {
        if (low.Length != high.Length)
            throw new ArgumentException($"Support bounds differ in length: low has {low.Length}, high has {high.Length}.");
        for (int j = 0; j < low.Length; j++)
            if (!(low[j] < high[j]))
                throw new ArgumentException($"Support bound {j}: low {low[j]} must be below high {high[j]}.");
        Low = low;
        High = high;
    }

    /// <summary>Lower bound of each coordinate; may be −∞.</summary>
    public float[] Low { get; }

    /// <summary>Upper bound of each coordinate; may be +∞.</summary>
    public float[] High { get; }

    /// <summary>Number of coordinates.</summary>
    public int Dimension => Low.Length;

    /// <summary>Strict inside test, as the original GATSBI code uses (github.com/mackelab/gatsbi, gatsbi/task_utils/benchmarks/make_results.py): a sample on the bound is rejected.</summary>
    /// <exception cref="ArgumentException"><paramref name="theta"/> does not have <see cref="Dimension"/> values.</exception>
    public bool Contains(ReadOnlySpan<float> theta)
    {
        if (theta.Length != Dimension)
            throw new ArgumentException($"θ has {theta.Length} values; the support has dimension {Dimension}.");
        for (int j = 0; j < theta.Length; j++)
            if (!(theta[j] > Low[j] && theta[j] < High[j])) return false;
        return true;
    }

    /// <summary>The same bounds [<paramref name="low"/>, <paramref name="high"/>] in all <paramref name="dimension"/> coordinates.</summary>
    /// <exception cref="ArgumentException"><paramref name="low"/> is not below <paramref name="high"/>.</exception>
    public static Support Box(int dimension, float low, float high) =>
        new(Enumerable.Repeat(low, dimension).ToArray(), Enumerable.Repeat(high, dimension).ToArray());

    /// <summary>True when <paramref name="other"/> has the same bounds, element by element (the arrays, not their references, are compared).</summary>
    public bool Equals(Support? other) =>
        other is not null && Low.AsSpan().SequenceEqual(other.Low) && High.AsSpan().SequenceEqual(other.High);

    /// <summary>A hash consistent with <see cref="Equals(Support?)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(Dimension, Low.Length > 0 ? Low[0] : 0f, High.Length > 0 ? High[0] : 0f);
}
