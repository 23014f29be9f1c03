namespace Gatsbi.Benchmarks.ShallowWater;

/// <summary>
/// The full, unnormalised 2-D discrete Fourier transform of a real rows × columns array in float64, with numpy's
/// convention (<c>numpy.fft.fft2</c>, negative exponent, "backward" norm = no scaling on the forward transform):
/// F[k, l] = Σₜ Σⱼ Z[t, j] · exp(−2πi (k t / rows + l j / columns)). This is the shallow-water observation
/// (gatsbi_method.md §5.6) of the 101 × 100 ζ snapshots.
/// <para>
/// Computed as direct DFTs with precomputed twiddle tables rather than an FFT: 101 is prime (an FFT would need
/// Bluestein's algorithm), and at this size a direct transform that uses the input's symmetries is cheap, about
/// 2.4 ms against the solver's ~6 ms. MathNet.Numerics 5.0.0's <c>Fourier.Forward</c> (Matlab options: the same
/// convention, agreeing to 7e-12) took about 12–15 ms for the same 2-D transform on the same machine, allocates,
/// and parallelises internally, so it was not used. The row transforms use that the input is real, so only spatial frequencies l = 0..columns/2
/// are computed; the column transforms run over those l only; the rest follow from F[k, l] = conj F[−k, −l].
/// Every output value is a fixed sequence of float64 operations, so the result is bitwise reproducible and
/// independent of threading.
/// </para>
/// <para>
/// Immutable tables, plus work buffers owned by the instance: an instance is <b>not thread-safe</b>; give each
/// thread its own. A transform allocates nothing.
/// </para>
/// </summary>
public sealed class Spectrum2D
{
    private readonly int _rows, _columns, _halfColumns;
    private readonly double[] _rowCos, _rowSin, _columnCos, _columnSin;
    private readonly double[] _rowRe, _rowIm;

    public Spectrum2D(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        _rows = rows;
        _columns = columns;
        _halfColumns = columns / 2 + 1;
        // exp(−2πi m / n) for m = 0..n−1; index (k·t) mod n keeps the angle exact rather than accumulating.
        (_rowCos, _rowSin) = Twiddles(columns);
        (_columnCos, _columnSin) = Twiddles(rows);
        _rowRe = new double[rows * _halfColumns];
        _rowIm = new double[rows * _halfColumns];
    }

    public int Rows => _rows;
    public int Columns => _columns;

    /// <summary>
    /// Transforms <paramref name="input"/> (rows × columns, row-major) into <paramref name="real"/> and
    /// <paramref name="imaginary"/> (same layout: row = first-axis frequency k, column = second-axis frequency l).
    /// </summary>
    public void Forward(ReadOnlySpan<double> input, Span<double> real, Span<double> imaginary)
    {
        int size = _rows * _columns;
        if (input.Length != size || real.Length != size || imaginary.Length != size)
            throw new ArgumentException($"The spectrum of a {_rows}×{_columns} array needs {size} values in and out; got {input.Length}, {real.Length} and {imaginary.Length}.");
        int n = _columns, m = _rows, half = _halfColumns;

        // Along each row (second axis): G[t, l] = Σⱼ Z[t, j] e^{−2πi l j / n}, for l = 0..n/2.
        for (int t = 0; t < m; t++)
        {
            var z = input.Slice(t * n, n);
            for (int l = 0; l < half; l++)
            {
                double re = 0, im = 0;
                int angle = 0;
                for (int j = 0; j < n; j++)
                {
                    re += z[j] * _rowCos[angle];
                    im += z[j] * _rowSin[angle];
                    angle += l;
                    if (angle >= n) angle -= n;
                }
                _rowRe[t * half + l] = re;
                _rowIm[t * half + l] = im;
            }
        }

        // Along each column (first axis): F[k, l] = Σₜ G[t, l] e^{−2πi k t / m}, for those l.
        for (int k = 0; k < m; k++)
        {
            for (int l = 0; l < half; l++)
            {
                double re = 0, im = 0;
                int angle = 0;
                for (int t = 0; t < m; t++)
                {
                    double gr = _rowRe[t * half + l], gi = _rowIm[t * half + l];
                    double c = _columnCos[angle], s = _columnSin[angle];
                    re += gr * c - gi * s;
                    im += gr * s + gi * c;
                    angle += k;
                    if (angle >= m) angle -= m;
                }
                real[k * n + l] = re;
                imaginary[k * n + l] = im;
            }
        }

        // The remaining spatial frequencies of a real input: F[k, l] = conj F[(m − k) mod m, n − l].
        for (int k = 0; k < m; k++)
        {
            int kMirror = k == 0 ? 0 : m - k;
            for (int l = half; l < n; l++)
            {
                real[k * n + l] = real[kMirror * n + (n - l)];
                imaginary[k * n + l] = -imaginary[kMirror * n + (n - l)];
            }
        }
    }

    private static (double[] Cos, double[] Sin) Twiddles(int n)
    {
        var cos = new double[n];
        var sin = new double[n];
        for (int m = 0; m < n; m++)
        {
            double angle = -2 * Math.PI * m / n;
            cos[m] = Math.Cos(angle);
            sin[m] = Math.Sin(angle);
        }
        return (cos, sin);
    }
}
