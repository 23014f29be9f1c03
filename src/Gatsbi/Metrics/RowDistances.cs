namespace Gatsbi.Metrics;

/// <summary>A worker's buffers for the squared distances from one row of a set to a run of rows of a set.</summary>
internal sealed class RowDistances(int dimension, int capacity)
{
    private readonly double[] _point = new double[dimension];
    private readonly double[] _distances = new double[capacity];

    /// <summary>Squared distances from row <paramref name="row"/> of <paramref name="from"/> to rows start..start+count−1 of <paramref name="to"/>.</summary>
    public Span<double> Compute(SampleColumns from, int row, SampleColumns to, int start, int count)
    {
        from.CopyRow(row, _point);
        var output = _distances.AsSpan(0, count);
        to.SquaredDistances(_point, start, output);
        return output;
    }
}
