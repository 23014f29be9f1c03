namespace Gatsbi.Simulation;

/// <summary>
/// Paired parameters and simulated data, row i of <see cref="Theta"/> with row i of <see cref="X"/>.
/// </summary>
public sealed class SimulationSet
{
    public SimulationSet(float[,] theta, float[,] x)
    {
        if (theta.GetLength(0) != x.GetLength(0))
            throw new ArgumentException($"θ has {theta.GetLength(0)} rows but x has {x.GetLength(0)}; each θ needs one x.");
        Theta = theta;
        X = x;
    }

    public float[,] Theta { get; }
    public float[,] X { get; }
    public int Count => Theta.GetLength(0);
    public int ParameterDimension => Theta.GetLength(1);
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
    /// reference implementation's convention); the rest is the training set.
    /// </summary>
    public (SimulationSet Train, SimulationSet HoldOut) SplitHoldOut(int holdOut)
    {
        if (holdOut < 0 || holdOut >= Count)
            throw new ArgumentOutOfRangeException(nameof(holdOut), $"Hold-out of {holdOut} rows needs more than {holdOut} simulations; have {Count}.");
        int train = Count - holdOut;
        return (Slice(0, train), Slice(train, holdOut));
    }

    public SimulationSet Slice(int start, int count) => new(Theta.SliceRows(start, count), X.SliceRows(start, count));
}
