using Gatsbi.Numerics;

namespace Gatsbi.Benchmarks.ShallowWater;

/// <summary>
/// The full, unnormalised 2-D discrete Fourier transform of a real rows × columns array in float64, with numpy's
/// convention (<c>numpy.fft.fft2</c>, negative exponent, "backward" norm = no scaling on the forward transform):
/// F[k, l] = Σₜ Σⱼ Z[t, j] · exp(−2πi (k t / rows + l j / columns)). This is the shallow-water observation
/// of the 101 × 100 ζ snapshots (the original's <c>scipy.fft.fft2</c> in gatsbi/task_utils/shallow_water_model/simulator.py
/// of github.com/mackelab/gatsbi; see <see cref="ShallowWaterSimulator"/>).
/// <para>
/// Computed with the library's <see cref="Fft"/> plans, because the transform was a large share of a simulation:
/// the previous direct DFTs with twiddle tables (O(N²) per axis) took about 1.4 ms per transform against the
/// solver's ~2.5 ms, i.e. ~37 % of a simulation. MathNet.Numerics 5.0.0's <c>Fourier.Forward</c> has the same
/// convention but allocates on every call and parallelises internally, so it was not used.
/// </para>
/// <para>
/// Along the rows (second axis, length 100 = 2²·5², mixed-radix Cooley–Tukey): the input is real, so two rows are
/// packed into one complex FFT (row t as the real part, row t + 1 as the imaginary part) and separated with
/// Gₜ[l] = (W[l] + conj W[−l]) / 2, Gₜ₊₁[l] = (W[l] − conj W[−l]) / 2i; with an odd number of rows the last row is
/// transformed on its own. Only l = 0..columns/2 is kept. Along the columns (first axis, length 101, a prime:
/// Bluestein's algorithm over an inner FFT of length 216 = 2³·3³) only those l are transformed; the rest follow
/// from F[k, l] = conj F[−k, −l]. Measured with <c>bench/Gatsbi.Bench shallow-water-speed repeats=3</c> on the
/// 2-core machine while it was loaded (load average ~5): 1.42–1.45 ms per transform with the direct DFTs, 0.27 ms with
/// the FFTs, against ~2.45 ms for the solver; packing two real rows per FFT (0.27 ms) was faster than one complex
/// FFT per row with zero imaginary parts (0.31 ms). It agrees with a direct double DFT to ~1e-12 of the magnitude
/// (not bitwise with the earlier direct version: the summation order differs).
/// </para>
/// <para>
/// Every output value is a fixed sequence of float64 operations with no threading inside, so the result is
/// bitwise reproducible and independent of the caller's threading. Immutable plans, plus work buffers owned by the
/// instance: an instance is <b>not thread-safe</b>; give each thread its own. A transform allocates nothing.
/// </para>
/// </summary>
public sealed class Spectrum2D
{
    private readonly int _rows, _columns, _halfColumns;
    private readonly Fft _rowFft, _columnFft;
    // Row FFT buffers (length columns), and the row transforms G stored column-major, G[l·rows + t], so that each
    // column transform runs in place on a contiguous slice.
    private readonly double[] _bufferRe, _bufferIm;
    private readonly double[] _rowRe, _rowIm;

    /// <summary>Plans and work buffers for <paramref name="rows"/> × <paramref name="columns"/> inputs, allocated once.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    public Spectrum2D(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        _rows = rows;
        _columns = columns;
        _halfColumns = columns / 2 + 1;
        _rowFft = new Fft(columns);
        _columnFft = new Fft(rows);
        _bufferRe = new double[columns];
        _bufferIm = new double[columns];
        _rowRe = new double[rows * _halfColumns];
        _rowIm = new double[rows * _halfColumns];
    }

    /// <summary>Length of the first axis (time snapshots for the shallow water model; temporal frequency k in the output).</summary>
    public int Rows => _rows;

    /// <summary>Length of the second axis (cells; spatial frequency l in the output).</summary>
    public int Columns => _columns;

    /// <summary>
    /// Transforms <paramref name="input"/> (rows × columns, row-major) into <paramref name="real"/> and
    /// <paramref name="imaginary"/> (same layout: row = first-axis frequency k, column = second-axis frequency l).
    /// </summary>
    /// <exception cref="ArgumentException">A span does not hold rows × columns values.</exception>
    public void Forward(ReadOnlySpan<double> input, Span<double> real, Span<double> imaginary)
    {
        int size = _rows * _columns;
        if (input.Length != size || real.Length != size || imaginary.Length != size)
            throw new ArgumentException($"The spectrum of a {_rows}×{_columns} array needs {size} values in and out; got {input.Length}, {real.Length} and {imaginary.Length}.");
        int n = _columns, m = _rows, half = _halfColumns;
        Span<double> bufferRe = _bufferRe, bufferIm = _bufferIm, rowRe = _rowRe, rowIm = _rowIm;

        // Along each row (second axis): G[t, l] = Σⱼ Z[t, j] e^{−2πi l j / n}, for l = 0..n/2, two real rows per FFT.
        int t = 0;
        for (; t + 1 < m; t += 2)
        {
            input.Slice(t * n, n).CopyTo(bufferRe);
            input.Slice((t + 1) * n, n).CopyTo(bufferIm);
            _rowFft.Forward(bufferRe, bufferIm);
            for (int l = 0; l < half; l++)
            {
                int mirror = l == 0 ? 0 : n - l;
                double wr = bufferRe[l], wi = bufferIm[l], vr = bufferRe[mirror], vi = bufferIm[mirror];
                int at = l * m + t;
                rowRe[at] = 0.5 * (wr + vr);
                rowIm[at] = 0.5 * (wi - vi);
                rowRe[at + 1] = 0.5 * (wi + vi);
                rowIm[at + 1] = 0.5 * (vr - wr);
            }
        }
        if (t < m)
        {
            input.Slice(t * n, n).CopyTo(bufferRe);
            bufferIm.Clear();
            _rowFft.Forward(bufferRe, bufferIm);
            for (int l = 0; l < half; l++)
            {
                rowRe[l * m + t] = bufferRe[l];
                rowIm[l * m + t] = bufferIm[l];
            }
        }

        // Along each column (first axis): F[k, l] = Σₜ G[t, l] e^{−2πi k t / m}, for those l.
        for (int l = 0; l < half; l++)
        {
            var columnRe = rowRe.Slice(l * m, m);
            var columnIm = rowIm.Slice(l * m, m);
            _columnFft.Forward(columnRe, columnIm);
            for (int k = 0; k < m; k++)
            {
                real[k * n + l] = columnRe[k];
                imaginary[k * n + l] = columnIm[k];
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
}
