namespace Gatsbi.Distributions;

/// <summary>
/// An axis-aligned box that contains all prior mass. Bounds may be infinite on either side.
/// Posterior samplers use it to reject samples the prior rules out.
/// </summary>
public sealed record Support
{
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

    public float[] Low { get; }
    public float[] High { get; }
    public int Dimension => Low.Length;

    /// <summary>Strict inside test, as the reference implementation uses (a sample on the bound is rejected).</summary>
    public bool Contains(ReadOnlySpan<float> theta)
    {
        if (theta.Length != Dimension)
            throw new ArgumentException($"θ has {theta.Length} values; the support has dimension {Dimension}.");
        for (int j = 0; j < theta.Length; j++)
            if (!(theta[j] > Low[j] && theta[j] < High[j])) return false;
        return true;
    }

    public static Support Box(int dimension, float low, float high) =>
        new(Enumerable.Repeat(low, dimension).ToArray(), Enumerable.Repeat(high, dimension).ToArray());

    public bool Equals(Support? other) =>
        other is not null && Low.AsSpan().SequenceEqual(other.Low) && High.AsSpan().SequenceEqual(other.High);

    public override int GetHashCode() => HashCode.Combine(Dimension, Low.Length > 0 ? Low[0] : 0f, High.Length > 0 ? High[0] : 0f);
}
