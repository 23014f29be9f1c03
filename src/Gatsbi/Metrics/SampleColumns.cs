using System.Numerics;

namespace Gatsbi.Metrics;

/// <summary>
/// A sample set held as one double array per column, so that the distances from one point to a run of
/// rows are computed along contiguous columns, several rows per vector instruction.
/// </summary>
internal sealed class SampleColumns
{
    private readonly double[][] _columns;

    private SampleColumns(double[][] columns, int count)
    {
        _columns = columns;
        Count = count;
    }

    public int Count { get; }
    public int Dimension => _columns.Length;

    /// <summary>The samples as (value − shift[j]) / scale[j] per column j, in double.</summary>
    public static SampleColumns From(float[,] samples, double[] shift, double[] scale)
    {
        int n = samples.GetLength(0), d = samples.GetLength(1);
        var columns = new double[d][];
        for (int j = 0; j < d; j++)
        {
            var column = columns[j] = new double[n];
            for (int i = 0; i < n; i++) column[i] = (samples[i, j] - shift[j]) / scale[j];
        }
        return new SampleColumns(columns, n);
    }

    /// <summary>The rows of <paramref name="first"/> followed by those of <paramref name="second"/>.</summary>
    public static SampleColumns Concat(SampleColumns first, SampleColumns second) =>
        new(first._columns.Zip(second._columns, (a, b) => (double[])[.. a, .. b]).ToArray(), first.Count + second.Count);

    public void CopyRow(int row, Span<double> point)
    {
        for (int j = 0; j < _columns.Length; j++) point[j] = _columns[j][row];
    }

    /// <summary>
    /// output[r] = ‖point − row (start + r)‖², the squared differences added coordinate by coordinate in
    /// order, so each value has the same bits as a plain loop. Several rows go per vector, each held in a
    /// register until all coordinates are added.
    /// </summary>
    public void SquaredDistances(ReadOnlySpan<double> point, int start, Span<double> output)
    {
        int width = Vector<double>.Count;
        int r = 0;
        for (; r <= output.Length - width; r += width)
        {
            var sum = Vector<double>.Zero;
            for (int j = 0; j < _columns.Length; j++)
            {
                var difference = new Vector<double>(_columns[j].AsSpan(start + r)) - new Vector<double>(point[j]);
                sum += difference * difference;
            }
            sum.CopyTo(output[r..]);
        }
        for (; r < output.Length; r++)
        {
            double sum = 0;
            for (int j = 0; j < _columns.Length; j++)
            {
                double difference = _columns[j][start + r] - point[j];
                sum += difference * difference;
            }
            output[r] = sum;
        }
    }
}
