namespace Gatsbi.Simulation;

/// <summary>
/// Paired parameters and simulated data, row i of <see cref="Theta"/> with row i of <see cref="X"/>.
/// </summary>
public sealed class SimulationSet
{
    /// <summary>Pairs row i of <paramref name="theta"/> (n × parameter dimension) with row i of <paramref name="x"/> (n × data dimension); the matrices are kept, not copied.</summary>
    /// <exception cref="ArgumentException">The matrices have different row counts.</exception>
    public SimulationSet(float[,] theta, float[,] x)
    {
        if (theta.GetLength(0) != x.GetLength(0))
            throw new ArgumentException($"θ has {theta.GetLength(0)} rows but x has {x.GetLength(0)}; each θ needs one x.");
        Theta = theta;
        X = x;
    }

    /// <summary>Parameters, <see cref="Count"/> × <see cref="ParameterDimension"/>.</summary>
    public float[,] Theta { get; }

    /// <summary>Simulated data, <see cref="Count"/> × <see cref="DataDimension"/>; a failed simulation's row holds NaN.</summary>
    public float[,] X { get; }

    /// <summary>Number of pairs.</summary>
    public int Count => Theta.GetLength(0);

    /// <summary>Values per θ: the columns of <see cref="Theta"/>.</summary>
    public int ParameterDimension => Theta.GetLength(1);

    /// <summary>Values per x: the columns of <see cref="X"/>.</summary>
    public int DataDimension => X.GetLength(1);

    /// <summary>
    /// The rows whose θ and x are all finite, and how many were dropped. Failed simulations (NaN or
    /// infinite x) cannot be used for training, but users need to know how many there were.
    /// </summary>
    public (SimulationSet Kept, int Dropped) DropNonFinite()
    {
        var keep = new List<int>(Count);
        for (int i = 0; i < Count; i++)
            if (X.RowIsFinite(i) && Theta.RowIsFinite(i)) keep.Add(i);
        if (keep.Count == Count) return (this, 0);
        return (new SimulationSet(Theta.SelectRows(keep), X.SelectRows(keep)), Count - keep.Count);
    }

    /// <summary>
    /// Splits off the last <paramref name="holdOut"/> rows, in generation order, as the hold-out set (the
    /// convention of the original GATSBI code, MakeDataset in gatsbi/utils/load_data.py at
    /// github.com/mackelab/gatsbi); the rest is the training set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="holdOut"/> is negative or not below <see cref="Count"/>.</exception>
    public (SimulationSet Train, SimulationSet HoldOut) SplitHoldOut(int holdOut)
    {
        if (holdOut < 0 || holdOut >= Count)
            throw new ArgumentOutOfRangeException(nameof(holdOut), $"Hold-out of {holdOut} rows needs more than {holdOut} simulations; have {Count}.");
        int train = Count - holdOut;
        return (Slice(0, train), Slice(train, holdOut));
    }

    /// <summary>A copy of the <paramref name="count"/> pairs that start at pair <paramref name="start"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range runs outside the set.</exception>
    public SimulationSet Slice(int start, int count) => new(Theta.SliceRows(start, count), X.SliceRows(start, count));
}
