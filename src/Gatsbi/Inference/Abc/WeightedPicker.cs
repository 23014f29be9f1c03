using Gatsbi.Randomness;

namespace Gatsbi.Inference.Abc;

/// <summary>
/// Draws an index in proportion to non-negative weights, the way scikit-learn's KernelDensity.sample picks
/// its centres (sbibm's ABC posteriors sample through it): u ~ U(0, 1), then ⌊u·n⌋ without weights, or the
/// first index whose cumulative weight is ≥ u·Σw with them. SMC-ABC picks the particles it perturbs the
/// same way.
/// </summary>
internal sealed class WeightedPicker
{
    private readonly int _count;
    private readonly double[]? _cumulative;

    public WeightedPicker(int count, double[]? weights)
    {
        if (count < 1) throw new ArgumentException("Picking an index needs at least one item.");
        _count = count;
        if (weights is null) return;
        Check(weights, count);
        _cumulative = new double[count];
        double sum = 0;
        for (int i = 0; i < count; i++) _cumulative[i] = sum += weights[i];
    }

    /// <summary>Throws unless <paramref name="weights"/> has <paramref name="count"/> finite, non-negative values with a positive sum.</summary>
    public static void Check(double[] weights, int count)
    {
        if (weights.Length != count)
            throw new ArgumentException($"There are {weights.Length} weights for {count} points; each point needs one.");
        double sum = 0;
        for (int i = 0; i < count; i++)
        {
            if (!(double.IsFinite(weights[i]) && weights[i] >= 0))
                throw new ArgumentException($"Weight {i} is {weights[i]}; weights must be finite and non-negative.");
            sum += weights[i];
        }
        if (!(sum > 0)) throw new ArgumentException("The weights sum to zero; at least one must be positive.");
    }

    public int Pick(Rng rng)
    {
        double u = rng.NextDouble();
        if (_cumulative is null) return (int)(u * _count);
        double target = u * _cumulative[^1];
        int low = 0, high = _count - 1;
        while (low < high)
        {
            int middle = (low + high) / 2;
            if (_cumulative[middle] >= target) high = middle;
            else low = middle + 1;
        }
        return low;
    }
}
