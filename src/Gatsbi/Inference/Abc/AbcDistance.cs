namespace Gatsbi.Inference.Abc;

/// <summary>
/// How far a simulated x is from the observation, on the raw data vector: neither sbi nor sbibm z-scores or
/// rescales x for ABC, so dimensions with large values dominate.
/// </summary>
public enum AbcDistance
{
    /// <summary>Euclidean norm ‖x − x_o‖₂, the distance of the sbibm paper.</summary>
    L2,

    /// <summary>Mean absolute difference (sbi's "l1").</summary>
    L1,

    /// <summary>Mean squared difference (sbi's "mse").</summary>
    Mse,
}

/// <summary>Evaluates an <see cref="AbcDistance"/> between simulated data and the observation x_o.</summary>
public static class AbcDistances
{
    /// <summary>
    /// The distance between <paramref name="x"/> and <paramref name="observation"/>, in double. A failed
    /// simulation (NaN in x) is infinitely far, so it is never accepted.
    /// </summary>
    /// <exception cref="ArgumentException">The two spans differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="distance"/> is not a defined member.</exception>
    public static double Between(this AbcDistance distance, ReadOnlySpan<float> x, ReadOnlySpan<float> observation)
    {
        if (x.Length != observation.Length)
            throw new ArgumentException($"x has {x.Length} values but the observation has {observation.Length}.");
        double sum = 0;
        for (int j = 0; j < x.Length; j++)
        {
            double d = (double)x[j] - observation[j];
            sum += distance == AbcDistance.L1 ? Math.Abs(d) : d * d;
        }
        double value = distance switch
        {
            AbcDistance.L2 => Math.Sqrt(sum),
            AbcDistance.L1 or AbcDistance.Mse => sum / x.Length,
            _ => throw new ArgumentOutOfRangeException(nameof(distance), distance, "Unknown ABC distance."),
        };
        return double.IsNaN(value) ? double.PositiveInfinity : value;
    }

    /// <summary>
    /// The distance of every row of <paramref name="x"/> (simulations × data dimension) to
    /// <paramref name="observation"/>, one value per row; rows containing NaN get +∞.
    /// </summary>
    public static double[] ToObservation(this AbcDistance distance, float[,] x, ReadOnlySpan<float> observation)
    {
        var distances = new double[x.GetLength(0)];
        for (int i = 0; i < distances.Length; i++) distances[i] = distance.Between(x.Row(i), observation);
        return distances;
    }
}
