using Gatsbi.Randomness;

namespace Gatsbi.Distributions;

/// <summary>
/// A prior known only through samples: draws are rows of the given set, chosen uniformly. It has no
/// density, which is exactly the case GATSBI (unlike likelihood-based methods) can handle.
/// By default rows are drawn with replacement (i.i.d. draws from the empirical distribution). With
/// <c>replacement: false</c> one call returns distinct rows: the first n of a uniformly shuffled copy of the
/// set, which is how the GATSBI camera model draws its training images, so that a budget as large as the set
/// uses every image exactly once. Separate calls are independent of each other either way.
/// </summary>
public sealed class EmpiricalPrior : IPrior
{
    private readonly float[,] _samples;

    /// <summary>A prior over the rows of <paramref name="samples"/>.</summary>
    /// <param name="samples">The set, count × dimension; every value finite. The matrix is kept, not copied, so it must not change afterwards.</param>
    /// <param name="support">Box bounds of the prior, when known (posterior samplers reject samples outside it); null for none.</param>
    /// <param name="replacement">Whether one call draws with replacement (true, the default) or returns distinct rows.</param>
    /// <exception cref="ArgumentException"><paramref name="samples"/> has no rows or a non-finite value, or <paramref name="support"/> has a different dimension.</exception>
    public EmpiricalPrior(float[,] samples, Support? support = null, bool replacement = true)
    {
        if (samples.GetLength(0) == 0) throw new ArgumentException("An empirical prior needs at least one sample.", nameof(samples));
        for (int i = 0; i < samples.GetLength(0); i++)
            if (!samples.RowIsFinite(i))
                throw new ArgumentException($"Empirical prior sample row {i} is not finite.", nameof(samples));
        if (support is not null && support.Dimension != samples.GetLength(1))
            throw new ArgumentException($"Support has dimension {support.Dimension}; samples have {samples.GetLength(1)} columns.");
        _samples = samples;
        Support = support;
        Replacement = replacement;
    }

    /// <inheritdoc/>
    public int Dimension => _samples.GetLength(1);

    /// <summary>The support given to the constructor, or null.</summary>
    public Support? Support { get; }

    /// <summary>Number of rows in the set.</summary>
    public int Count => _samples.GetLength(0);

    /// <summary>Whether one call may return the same row more than once (true) or returns distinct rows (false).</summary>
    public bool Replacement { get; }

    /// <summary>Draws <paramref name="count"/> rows of the set (count × <see cref="Dimension"/>), with or without replacement as <see cref="Replacement"/> says.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative, or exceeds <see cref="Count"/> without replacement.</exception>
    public float[,] Sample(int count, Rng rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var result = new float[count, Dimension];
        if (Replacement)
        {
            for (int i = 0; i < count; i++) _samples.Row(rng.NextInt(Count)).CopyTo(result.Row(i));
            return result;
        }
        if (count > Count)
            throw new ArgumentOutOfRangeException(nameof(count),
                $"Cannot draw {count} distinct rows without replacement from an empirical prior of {Count} rows; ask for at most {Count}, or allow replacement.");
        // Partial Fisher–Yates: position i takes a uniform pick among the rows not yet taken, so the first
        // count positions are distributed as the first count rows of a uniform shuffle of the whole set.
        var order = new int[Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        for (int i = 0; i < count; i++)
        {
            int j = i + rng.NextInt(Count - i);
            (order[i], order[j]) = (order[j], order[i]);
            _samples.Row(order[i]).CopyTo(result.Row(i));
        }
        return result;
    }
}
