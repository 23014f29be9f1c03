namespace Gatsbi.Numerics;

/// <summary>
/// A complex fast Fourier transform plan for one fixed length n, in double, with numpy's convention
/// (<c>numpy.fft.fft</c>: negative exponent, no scaling): X[k] = Σⱼ x[j] · exp(−2πi j k / n).
/// <para>
/// Lengths whose prime factors are all 2, 3 and 5 use a mixed-radix Cooley–Tukey FFT (radices 4, 2, 3, 5) in the
/// Stockham autosort arrangement (decimation in frequency, twiddles applied after each butterfly): each stage reads one buffer and writes the other, so no digit-reversal
/// permutation is needed and the output comes out in natural order. Any other length (e.g. a prime such as 101)
/// uses Bluestein's chirp-z algorithm: the transform is rewritten as a circular convolution with the chirp
/// exp(πi j²/n), evaluated with two FFTs of the smallest 2·3·5-smooth length M ≥ 2n − 1; the chirp and the
/// transform of the convolution kernel are precomputed by the constructor.
/// </para>
/// <para>
/// Every twiddle factor is computed directly as exp(−2πi m / n) from an exact integer index m (k·j mod n, and
/// k² mod 2n for Bluestein's chirp), never by accumulating rotations. The result of a transform is a fixed
/// sequence of float64 operations, so it is bitwise reproducible; there is no threading inside.
/// </para>
/// <para>
/// The instance owns its scratch buffers: it is <b>not thread-safe</b> (give each thread its own plan), and a
/// transform allocates nothing.
/// </para>
/// </summary>
public sealed class Fft
{
    private readonly int _length;
    // Mixed-radix path: radices of the stages, the table exp(−2πi m / n) for m = 0..n−1, the ping-pong scratch.
    private readonly int[] _radices = [];
    private readonly double[] _cos = [], _sin = [];
    private readonly double[] _scratchRe = [], _scratchIm = [];
    // Bluestein path: the chirp c[k] = exp(−πi (k² mod 2n) / n), the transform of the kernel conj(c) (already
    // divided by M for the inverse transform), the inner plan and its work buffers.
    private readonly Fft? _inner;
    private readonly double[] _chirpRe = [], _chirpIm = [];
    private readonly double[] _kernelRe = [], _kernelIm = [];
    private readonly double[] _workRe = [], _workIm = [];

    /// <summary>Plans a transform of length <paramref name="length"/> (≥ 1); this allocates all tables and buffers.</summary>
    public Fft(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        _length = length;
        if (IsSmooth(length))
        {
            _radices = Factor(length);
            _cos = new double[length];
            _sin = new double[length];
            for (int m = 0; m < length; m++)
            {
                var (s, c) = Math.SinCos(-2 * Math.PI * m / length);
                _cos[m] = c;
                _sin[m] = s;
            }
            _scratchRe = new double[length];
            _scratchIm = new double[length];
            return;
        }

        int inner = NextSmooth(2 * length - 1);
        _inner = new Fft(inner);
        _chirpRe = new double[length];
        _chirpIm = new double[length];
        long period = 2L * length;
        for (int k = 0; k < length; k++)
        {
            long index = (long)k * k % period;
            var (s, c) = Math.SinCos(-Math.PI * index / length);
            _chirpRe[k] = c;
            _chirpIm[k] = s;
        }
        // Kernel b[j] = conj c[|j|] on the circle of length M (j = 0..n−1 and M−j for j = 1..n−1), zero elsewhere.
        _kernelRe = new double[inner];
        _kernelIm = new double[inner];
        for (int j = 0; j < length; j++)
        {
            _kernelRe[j] = _chirpRe[j];
            _kernelIm[j] = -_chirpIm[j];
            if (j > 0)
            {
                _kernelRe[inner - j] = _chirpRe[j];
                _kernelIm[inner - j] = -_chirpIm[j];
            }
        }
        _inner.Forward(_kernelRe, _kernelIm);
        for (int j = 0; j < inner; j++)
        {
            _kernelRe[j] /= inner;
            _kernelIm[j] /= inner;
        }
        _workRe = new double[inner];
        _workIm = new double[inner];
    }

    /// <summary>The transform length n.</summary>
    public int Length => _length;

    /// <summary>Whether this length goes through Bluestein's algorithm (it has a prime factor other than 2, 3, 5).</summary>
    public bool UsesBluestein => _inner is not null;

    /// <summary>The length of the inner smooth FFT used by Bluestein's algorithm, or n itself when it is not used.</summary>
    public int InnerLength => _inner?.Length ?? _length;

    /// <summary>Whether every prime factor of <paramref name="n"/> (≥ 1) is 2, 3 or 5.</summary>
    public static bool IsSmooth(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        foreach (int p in (ReadOnlySpan<int>)[2, 3, 5])
            while (n % p == 0) n /= p;
        return n == 1;
    }

    /// <summary>The smallest 2·3·5-smooth integer ≥ <paramref name="n"/> (≥ 1).</summary>
    public static int NextSmooth(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        while (!IsSmooth(n)) n++;
        return n;
    }

    /// <summary>
    /// Transforms <paramref name="inputReal"/> + i·<paramref name="inputImaginary"/> into <paramref name="real"/> +
    /// i·<paramref name="imaginary"/>. The outputs may be the very same spans as the inputs (that is the in-place
    /// transform), but must not otherwise overlap them.
    /// </summary>
    public void Forward(ReadOnlySpan<double> inputReal, ReadOnlySpan<double> inputImaginary, Span<double> real, Span<double> imaginary)
    {
        CheckLength(inputReal.Length, inputImaginary.Length, real.Length, imaginary.Length);
        inputReal.CopyTo(real);
        inputImaginary.CopyTo(imaginary);
        Forward(real, imaginary);
    }

    /// <summary>Transforms <paramref name="real"/> + i·<paramref name="imaginary"/> in place.</summary>
    public void Forward(Span<double> real, Span<double> imaginary)
    {
        CheckLength(real.Length, imaginary.Length, real.Length, imaginary.Length);
        if (_inner is null) MixedRadix(real, imaginary);
        else Bluestein(real, imaginary);
    }

    private void CheckLength(int a, int b, int c, int d)
    {
        if (a != _length || b != _length || c != _length || d != _length)
            throw new ArgumentException($"An FFT of length {_length} needs {_length} values in each span; got {a}, {b}, {c} and {d}.");
    }

    private void Bluestein(Span<double> real, Span<double> imaginary)
    {
        int n = _length, inner = _workRe.Length;
        Span<double> wr = _workRe, wi = _workIm;
        // a[j] = x[j] · c[j], zero-padded to M.
        for (int j = 0; j < n; j++)
        {
            double xr = real[j], xi = imaginary[j], cr = _chirpRe[j], ci = _chirpIm[j];
            wr[j] = xr * cr - xi * ci;
            wi[j] = xr * ci + xi * cr;
        }
        wr[n..].Clear();
        wi[n..].Clear();
        _inner!.Forward(wr, wi);
        // Pointwise product with the kernel's transform, conjugated so that a forward FFT gives the (conjugated)
        // inverse: ifft(z) = conj(fft(conj z)) / M, the 1/M being folded into the kernel.
        for (int j = 0; j < inner; j++)
        {
            double ar = wr[j], ai = wi[j], br = _kernelRe[j], bi = _kernelIm[j];
            wr[j] = ar * br - ai * bi;
            wi[j] = -(ar * bi + ai * br);
        }
        _inner.Forward(wr, wi);
        // X[k] = c[k] · conj(w[k]).
        for (int k = 0; k < n; k++)
        {
            double vr = wr[k], vi = -wi[k], cr = _chirpRe[k], ci = _chirpIm[k];
            real[k] = vr * cr - vi * ci;
            imaginary[k] = vr * ci + vi * cr;
        }
    }

    // Stockham autosort: the stage of radix r on sub-length len = r·m with stride s (len·s = n) maps
    // x[q + s(p + j m)] (j = 0..r−1) to y[q + s(r p + k)] = (Σⱼ x[q + s(p + j m)] ω_r^{jk}) · ω_len^{pk}, where
    // ω_len^{pk} = ω_n^{p k s} is read from the table at the exact index p·k·s < n.
    private void MixedRadix(Span<double> real, Span<double> imaginary)
    {
        int n = _length, s = 1;
        bool inScratch = false;
        Span<double> scratchRe = _scratchRe, scratchIm = _scratchIm;
        foreach (int r in _radices)
        {
            int m = n / (r * s);
            if (inScratch) Stage(r, scratchRe, scratchIm, real, imaginary, m, s);
            else Stage(r, real, imaginary, scratchRe, scratchIm, m, s);
            inScratch = !inScratch;
            s *= r;
        }
        if (inScratch)
        {
            scratchRe.CopyTo(real);
            scratchIm.CopyTo(imaginary);
        }
    }

    private void Stage(int r, ReadOnlySpan<double> xr, ReadOnlySpan<double> xi, Span<double> yr, Span<double> yi, int m, int s)
    {
        switch (r)
        {
            case 4: Radix4(xr, xi, yr, yi, m, s); break;
            case 2: Radix2(xr, xi, yr, yi, m, s); break;
            case 3: Radix3(xr, xi, yr, yi, m, s); break;
            default: Radix5(xr, xi, yr, yi, m, s); break;
        }
    }

    private void Radix2(ReadOnlySpan<double> xr, ReadOnlySpan<double> xi, Span<double> yr, Span<double> yi, int m, int s)
    {
        int sm = s * m;
        for (int p = 0; p < m; p++)
        {
            double w1r = _cos[p * s], w1i = _sin[p * s];
            int input = s * p, output = 2 * s * p;
            for (int q = 0; q < s; q++)
            {
                int i0 = input + q, i1 = i0 + sm, o = output + q;
                double ar = xr[i0], ai = xi[i0], br = xr[i1], bi = xi[i1];
                yr[o] = ar + br;
                yi[o] = ai + bi;
                double dr = ar - br, di = ai - bi;
                yr[o + s] = dr * w1r - di * w1i;
                yi[o + s] = dr * w1i + di * w1r;
            }
        }
    }

    private void Radix4(ReadOnlySpan<double> xr, ReadOnlySpan<double> xi, Span<double> yr, Span<double> yi, int m, int s)
    {
        int sm = s * m;
        for (int p = 0; p < m; p++)
        {
            int t = p * s;
            double w1r = _cos[t], w1i = _sin[t], w2r = _cos[2 * t], w2i = _sin[2 * t], w3r = _cos[3 * t], w3i = _sin[3 * t];
            int input = s * p, output = 4 * s * p;
            for (int q = 0; q < s; q++)
            {
                int i0 = input + q, i1 = i0 + sm, i2 = i1 + sm, i3 = i2 + sm, o = output + q;
                double a0r = xr[i0], a0i = xi[i0], a1r = xr[i1], a1i = xi[i1];
                double a2r = xr[i2], a2i = xi[i2], a3r = xr[i3], a3i = xi[i3];
                double s02r = a0r + a2r, s02i = a0i + a2i, d02r = a0r - a2r, d02i = a0i - a2i;
                double s13r = a1r + a3r, s13i = a1i + a3i, d13r = a1r - a3r, d13i = a1i - a3i;
                // y0 = s02 + s13, y2 = s02 − s13, y1 = d02 − i·d13, y3 = d02 + i·d13.
                yr[o] = s02r + s13r;
                yi[o] = s02i + s13i;
                double y1r = d02r + d13i, y1i = d02i - d13r;
                double y2r = s02r - s13r, y2i = s02i - s13i;
                double y3r = d02r - d13i, y3i = d02i + d13r;
                yr[o + s] = y1r * w1r - y1i * w1i;
                yi[o + s] = y1r * w1i + y1i * w1r;
                yr[o + 2 * s] = y2r * w2r - y2i * w2i;
                yi[o + 2 * s] = y2r * w2i + y2i * w2r;
                yr[o + 3 * s] = y3r * w3r - y3i * w3i;
                yi[o + 3 * s] = y3r * w3i + y3i * w3r;
            }
        }
    }

    private void Radix3(ReadOnlySpan<double> xr, ReadOnlySpan<double> xi, Span<double> yr, Span<double> yi, int m, int s)
    {
        const double Half = 0.5;
        double sin60 = Math.Sqrt(3) / 2; // ω₃ = −1/2 − i·√3/2
        int sm = s * m;
        for (int p = 0; p < m; p++)
        {
            int t = p * s;
            double w1r = _cos[t], w1i = _sin[t], w2r = _cos[2 * t], w2i = _sin[2 * t];
            int input = s * p, output = 3 * s * p;
            for (int q = 0; q < s; q++)
            {
                int i0 = input + q, i1 = i0 + sm, i2 = i1 + sm, o = output + q;
                double a0r = xr[i0], a0i = xi[i0], a1r = xr[i1], a1i = xi[i1], a2r = xr[i2], a2i = xi[i2];
                double sr = a1r + a2r, si = a1i + a2i, dr = a1r - a2r, di = a1i - a2i;
                yr[o] = a0r + sr;
                yi[o] = a0i + si;
                // y1 = a0 − s/2 − i·sin60·d, y2 = a0 − s/2 + i·sin60·d.
                double tr = a0r - Half * sr, ti = a0i - Half * si, ur = sin60 * dr, ui = sin60 * di;
                double y1r = tr + ui, y1i = ti - ur, y2r = tr - ui, y2i = ti + ur;
                yr[o + s] = y1r * w1r - y1i * w1i;
                yi[o + s] = y1r * w1i + y1i * w1r;
                yr[o + 2 * s] = y2r * w2r - y2i * w2i;
                yi[o + 2 * s] = y2r * w2i + y2i * w2r;
            }
        }
    }

    private void Radix5(ReadOnlySpan<double> xr, ReadOnlySpan<double> xi, Span<double> yr, Span<double> yi, int m, int s)
    {
        // ω₅^k = cos(2πk/5) − i·sin(2πk/5).
        double c1 = Math.Cos(2 * Math.PI / 5), c2 = Math.Cos(4 * Math.PI / 5);
        double s1 = Math.Sin(2 * Math.PI / 5), s2 = Math.Sin(4 * Math.PI / 5);
        int sm = s * m;
        for (int p = 0; p < m; p++)
        {
            int t = p * s;
            double w1r = _cos[t], w1i = _sin[t], w2r = _cos[2 * t], w2i = _sin[2 * t];
            double w3r = _cos[3 * t], w3i = _sin[3 * t], w4r = _cos[4 * t], w4i = _sin[4 * t];
            int input = s * p, output = 5 * s * p;
            for (int q = 0; q < s; q++)
            {
                int i0 = input + q, i1 = i0 + sm, i2 = i1 + sm, i3 = i2 + sm, i4 = i3 + sm, o = output + q;
                double a0r = xr[i0], a0i = xi[i0];
                double b1r = xr[i1] + xr[i4], b1i = xi[i1] + xi[i4], d1r = xr[i1] - xr[i4], d1i = xi[i1] - xi[i4];
                double b2r = xr[i2] + xr[i3], b2i = xi[i2] + xi[i3], d2r = xr[i2] - xr[i3], d2i = xi[i2] - xi[i3];
                yr[o] = a0r + b1r + b2r;
                yi[o] = a0i + b1i + b2i;
                // y1,4 = t1 ∓ i·u1 and y2,3 = t2 ∓ i·u2 with t1 = a0 + c1 b1 + c2 b2, t2 = a0 + c2 b1 + c1 b2,
                // u1 = s1 d1 + s2 d2, u2 = s2 d1 − s1 d2.
                double t1r = a0r + c1 * b1r + c2 * b2r, t1i = a0i + c1 * b1i + c2 * b2i;
                double t2r = a0r + c2 * b1r + c1 * b2r, t2i = a0i + c2 * b1i + c1 * b2i;
                double u1r = s1 * d1r + s2 * d2r, u1i = s1 * d1i + s2 * d2i;
                double u2r = s2 * d1r - s1 * d2r, u2i = s2 * d1i - s1 * d2i;
                double y1r = t1r + u1i, y1i = t1i - u1r, y4r = t1r - u1i, y4i = t1i + u1r;
                double y2r = t2r + u2i, y2i = t2i - u2r, y3r = t2r - u2i, y3i = t2i + u2r;
                yr[o + s] = y1r * w1r - y1i * w1i;
                yi[o + s] = y1r * w1i + y1i * w1r;
                yr[o + 2 * s] = y2r * w2r - y2i * w2i;
                yi[o + 2 * s] = y2r * w2i + y2i * w2r;
                yr[o + 3 * s] = y3r * w3r - y3i * w3i;
                yi[o + 3 * s] = y3r * w3i + y3i * w3r;
                yr[o + 4 * s] = y4r * w4r - y4i * w4i;
                yi[o + 4 * s] = y4r * w4i + y4i * w4r;
            }
        }
    }

    // Radices in stage order: as many 4s as possible, then a 2, 3s and 5s.
    private static int[] Factor(int n)
    {
        var radices = new List<int>();
        while (n % 4 == 0) { radices.Add(4); n /= 4; }
        if (n % 2 == 0) { radices.Add(2); n /= 2; }
        while (n % 3 == 0) { radices.Add(3); n /= 3; }
        while (n % 5 == 0) { radices.Add(5); n /= 5; }
        return [.. radices];
    }
}
