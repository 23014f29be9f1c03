using Gatsbi.Randomness;

namespace Gatsbi.Distributions;

/// <summary>
/// A prior known only through samples: draws are rows of the given set, chosen uniformly with
/// replacement. It has no density, which is exactly the case GATSBI (unlike likelihood-based methods)
/// can handle.
/// </summary>
public sealed class EmpiricalPrior : IPrior
{
    private readonly float[,] _samples;

    public EmpiricalPrior(float[,] samples, Support? support = null)
    {
        if (samples.GetLength(0) == 0) throw new ArgumentException("An empirical prior needs at least one sample.", nameof(samples));
        for (int i = 0; i < samples.GetLength(0); i++)
            if (!samples.RowIsFinite(i))
                throw new ArgumentException($"Empirical prior sample row {i} is not finite.", nameof(samples));
        if (support is not null && support.Dimension != samples.GetLength(1))
            throw new ArgumentException($"Support has dimension {support.Dimension}; samples have {samples.GetLength(1)} columns.");
        _samples = samples;
        Support = support;
    }

    public int Dimension => _samples.GetLength(1);
    public Support? Support { get; }

    public float[,] Sample(int count, Rng rng)
    {
        var result = new float[count, Dimension];
        for (int i = 0; i < count; i++) _samples.Row(rng.NextInt(_samples.GetLength(0))).CopyTo(result.Row(i));
        return result;
    }
}
