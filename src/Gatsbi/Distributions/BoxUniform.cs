using Gatsbi.Randomness;

namespace Gatsbi.Distributions;

/// <summary>Independent uniform priors on [low_j, high_j], the prior of most sbibm tasks.</summary>
public sealed class BoxUniform : IPrior, IDensity
{
    private readonly double _logDensity;

    /// <summary>The box [<paramref name="low"/>_j, <paramref name="high"/>_j] in every coordinate j.</summary>
    /// <param name="low">Lower bounds, one per parameter; finite.</param>
    /// <param name="high">Upper bounds, one per parameter; finite and above the matching lower bound.</param>
    /// <exception cref="ArgumentException">The bounds differ in length, a lower bound is not below its upper bound, or a bound is not finite.</exception>
    public BoxUniform(float[] low, float[] high)
    {
        Support = new Support(low, high);
        for (int j = 0; j < low.Length; j++)
            if (!float.IsFinite(low[j]) || !float.IsFinite(high[j]))
                throw new ArgumentException($"BoxUniform bound {j} must be finite; got [{low[j]}, {high[j]}].");
        _logDensity = -Enumerable.Range(0, low.Length).Sum(j => Math.Log((double)high[j] - low[j]));
    }

    /// <summary>The cube [<paramref name="low"/>, <paramref name="high"/>]^<paramref name="dimension"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="low"/> is not below <paramref name="high"/>, or a bound is not finite.</exception>
    public BoxUniform(int dimension, float low, float high)
        : this(Enumerable.Repeat(low, dimension).ToArray(), Enumerable.Repeat(high, dimension).ToArray())
    {
    }

    /// <inheritdoc/>
    public int Dimension => Support.Dimension;

    /// <summary>The box itself: the prior's bounds.</summary>
    public Support Support { get; }
    Support? IPrior.Support => Support;

    /// <summary>Draws <paramref name="count"/> rows (count × <see cref="Dimension"/>), each coordinate uniform on [low_j, high_j).</summary>
    public float[,] Sample(int count, Rng rng)
    {
        var theta = new float[count, Dimension];
        for (int i = 0; i < count; i++)
            for (int j = 0; j < Dimension; j++)
                theta[i, j] = (float)rng.Uniform(Support.Low[j], Support.High[j]);
        return theta;
    }

    /// <summary>−Σ_j log(high_j − low_j) inside the closed box (bounds included), −∞ outside it or for NaN.</summary>
    /// <exception cref="ArgumentException"><paramref name="theta"/> does not have <see cref="Dimension"/> values.</exception>
    public double LogDensity(ReadOnlySpan<float> theta)
    {
        if (theta.Length != Dimension)
            throw new ArgumentException($"θ has {theta.Length} values; this prior has dimension {Dimension}.");
        for (int j = 0; j < theta.Length; j++)
            if (!(theta[j] >= Support.Low[j] && theta[j] <= Support.High[j])) return double.NegativeInfinity; // NaN is outside too
        return _logDensity;
    }
}
