using Gatsbi.Randomness;

namespace Gatsbi.Distributions;

/// <summary>Independent uniform priors on [low_j, high_j], the prior of most sbibm tasks.</summary>
public sealed class BoxUniform : IPrior, IDensity
{
    private readonly double _logDensity;

    public BoxUniform(float[] low, float[] high)
    {
        Support = new Support(low, high);
        for (int j = 0; j < low.Length; j++)
            if (!float.IsFinite(low[j]) || !float.IsFinite(high[j]))
                throw new ArgumentException($"BoxUniform bound {j} must be finite; got [{low[j]}, {high[j]}].");
        _logDensity = -Enumerable.Range(0, low.Length).Sum(j => Math.Log((double)high[j] - low[j]));
    }

    public BoxUniform(int dimension, float low, float high)
        : this(Enumerable.Repeat(low, dimension).ToArray(), Enumerable.Repeat(high, dimension).ToArray())
    {
    }

    public int Dimension => Support.Dimension;
    public Support Support { get; }
    Support? IPrior.Support => Support;

    public float[,] Sample(int count, Rng rng)
    {
        var theta = new float[count, Dimension];
        for (int i = 0; i < count; i++)
            for (int j = 0; j < Dimension; j++)
                theta[i, j] = (float)rng.Uniform(Support.Low[j], Support.High[j]);
        return theta;
    }

    public double LogDensity(ReadOnlySpan<float> theta)
    {
        if (theta.Length != Dimension)
            throw new ArgumentException($"θ has {theta.Length} values; this prior has dimension {Dimension}.");
        for (int j = 0; j < theta.Length; j++)
            if (!(theta[j] >= Support.Low[j] && theta[j] <= Support.High[j])) return double.NegativeInfinity; // NaN is outside too
        return _logDensity;
    }
}
