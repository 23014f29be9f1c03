namespace Gatsbi.Numerics;

/// <summary>
/// Adaptive explicit Runge–Kutta solver for non-stiff ODEs: the Dormand–Prince 5(4) pair (Hairer, Nørsett and
/// Wanner's DOPRI5), advancing with the 5th-order solution and sizing steps from the embedded 4th-order error
/// estimate. Output at the requested times comes from the pair's 4th-order continuous extension, so output
/// times do not constrain the step sequence: the interpolation error is of the size of the local error, like
/// that of Julia's Tsit5 with <c>saveat</c>.
/// <para>
/// An instance owns its work buffers and reuses them across solves, so repeated solves allocate nothing.
/// It is not thread-safe: use one instance per thread (or per batch of solves).
/// </para>
/// <para>
/// A trajectory that cannot be computed is reported in <see cref="OdeSolveResult.Status"/>, never thrown:
/// only invalid arguments (wrong lengths, unordered times, bad options) throw.
/// </para>
/// </summary>
public sealed class DormandPrince54
{
    // Butcher tableau (Dormand and Prince 1980). The 7th stage is evaluated at the new point with the
    // 5th-order weights, so it is the next step's first stage ("first same as last").
    private const double C2 = 1.0 / 5, C3 = 3.0 / 10, C4 = 4.0 / 5, C5 = 8.0 / 9;
    private const double A21 = 1.0 / 5;
    private const double A31 = 3.0 / 40, A32 = 9.0 / 40;
    private const double A41 = 44.0 / 45, A42 = -56.0 / 15, A43 = 32.0 / 9;
    private const double A51 = 19372.0 / 6561, A52 = -25360.0 / 2187, A53 = 64448.0 / 6561, A54 = -212.0 / 729;
    private const double A61 = 9017.0 / 3168, A62 = -355.0 / 33, A63 = 46732.0 / 5247, A64 = 49.0 / 176, A65 = -5103.0 / 18656;
    private const double A71 = 35.0 / 384, A73 = 500.0 / 1113, A74 = 125.0 / 192, A75 = -2187.0 / 6784, A76 = 11.0 / 84;

    // Difference between the 5th- and 4th-order weights: the local error estimate.
    private const double E1 = 71.0 / 57600, E3 = -71.0 / 16695, E4 = 71.0 / 1920, E5 = -17253.0 / 339200, E6 = 22.0 / 525, E7 = -1.0 / 40;

    // Shampine's continuous extension as in Hairer's DOPRI5 (dense output of order 4).
    private const double D1 = -12715105075.0 / 11282082432, D3 = 87487479700.0 / 32700410799, D4 = -10690763975.0 / 1880347072;
    private const double D5 = 701980252875.0 / 199316789632, D6 = -1453857185.0 / 822651844, D7 = 69997945.0 / 29380423;

    /// <summary>The error estimate is of order 4, so the error scales as h⁵.</summary>
    private const double ErrorExponent = 1.0 / 5;

    /// <summary>Floor of the previous error in the PI controller, so that one tiny error cannot allow a huge step.</summary>
    private const double MinPreviousError = 1e-4;

    private readonly OdeSolverOptions _options;
    private double[] _y, _yNew, _k1, _k7;
    private readonly double[] _k2, _k3, _k4, _k5, _k6, _stage;

    /// <summary>A solver for systems of <paramref name="dimension"/> equations.</summary>
    /// <param name="dimension">Number of equations; positive.</param>
    /// <param name="options">Tolerances and step control; <see cref="OdeSolverOptions"/>' defaults when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is not positive.</exception>
    /// <exception cref="ArgumentException">A setting of <paramref name="options"/> is out of range (see <see cref="OdeSolverOptions.Validate"/>).</exception>
    public DormandPrince54(int dimension, OdeSolverOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        _options = options ?? new OdeSolverOptions();
        _options.Validate();
        Dimension = dimension;
        _y = new double[dimension];
        _yNew = new double[dimension];
        _k1 = new double[dimension];
        _k2 = new double[dimension];
        _k3 = new double[dimension];
        _k4 = new double[dimension];
        _k5 = new double[dimension];
        _k6 = new double[dimension];
        _k7 = new double[dimension];
        _stage = new double[dimension];
    }

    /// <summary>Number of equations: the length of y and of each output row.</summary>
    public int Dimension { get; }

    /// <summary>The validated settings, fixed for the solver's lifetime (the defaults when none were given).</summary>
    public OdeSolverOptions Options => _options;

    /// <summary>
    /// Integrates y′ = f(t, y) forward from y(<paramref name="t0"/>) = <paramref name="y0"/> to the last of
    /// <paramref name="times"/> and writes y at each of them into row i of <paramref name="output"/>
    /// (row-major, times.Length × Dimension). Times must be finite, non-decreasing and not before t0; a time
    /// equal to t0 gets y0 exactly.
    /// On failure the rows for times not reached are NaN; on success every output is finite.
    /// </summary>
    /// <typeparam name="TSystem">The system's type; a struct avoids virtual calls in the inner loop.</typeparam>
    /// <param name="system">The right-hand side f(t, y).</param>
    /// <param name="t0">Initial time; finite.</param>
    /// <param name="y0">Initial state, <see cref="Dimension"/> values.</param>
    /// <param name="times">Output times: finite, non-decreasing, none before <paramref name="t0"/>.</param>
    /// <param name="output">Receives times.Length × <see cref="Dimension"/> values, row-major.</param>
    /// <returns>The status and the step and evaluation counts; failure to integrate is reported here, not thrown.</returns>
    /// <exception cref="ArgumentException">A length does not match, <paramref name="t0"/> is not finite, or <paramref name="times"/> is not finite and ordered.</exception>
    public OdeSolveResult Solve<TSystem>(TSystem system, double t0, ReadOnlySpan<double> y0, ReadOnlySpan<double> times, Span<double> output)
        where TSystem : IOdeSystem
    {
        CheckArguments(t0, y0, times, output);
        int n = Dimension;
        int next = 0;
        // Times at t0 need no step; copying keeps them exact.
        while (next < times.Length && times[next] == t0)
            y0.CopyTo(output.Slice(n * next++, n));
        if (next == times.Length) return new OdeSolveResult(OdeStatus.Success, 0, 0, 0);

        y0.CopyTo(_y);
        system.Derivative(t0, _y, _k1);
        if (!AllFinite(_y) || !AllFinite(_k1)) return Fail(OdeStatus.NonFiniteState, output, next, 0, 0, 1);

        double tEnd = times[^1];
        double t = t0;
        double h = InitialStep(system, t0, tEnd - t0);
        int evaluations = 2, accepted = 0, rejected = 0;
        double previousError = MinPreviousError;
        bool lastRejected = false, lastNonFinite = false;
        while (true)
        {
            if (accepted + rejected >= _options.MaxSteps) return Fail(OdeStatus.TooManySteps, output, next, accepted, rejected, evaluations);
            // Stretching a step by up to 1% to reach the end avoids a last sliver of a step below the resolution of t.
            bool lastStep = t + 1.01 * h >= tEnd;
            if (lastStep) h = tEnd - t;
            if (!(h > MinimumStep(t)))
                return Fail(lastNonFinite ? OdeStatus.NonFiniteState : OdeStatus.StepSizeTooSmall, output, next, accepted, rejected, evaluations);

            Step(system, t, h);
            evaluations += 6;
            double error = ErrorNorm(h);
            if (!double.IsFinite(error))
            {
                // Overflow or NaN in a trial step: the step may simply have been too long, so retry shorter.
                h *= _options.MinFactor;
                rejected++;
                lastRejected = lastNonFinite = true;
                continue;
            }
            if (error > 1)
            {
                h *= Math.Max(_options.MinFactor, _options.Safety * Math.Pow(error, -ErrorExponent));
                rejected++;
                lastRejected = true;
                lastNonFinite = false;
                continue;
            }

            double tNew = lastStep ? tEnd : t + h;
            next = WriteOutputs(t, tNew, h, times, output, next);
            double factor = _options.Safety * Math.Pow(error, -(ErrorExponent - 0.75 * _options.Beta)) * Math.Pow(previousError, _options.Beta);
            factor = Math.Clamp(factor, _options.MinFactor, _options.MaxFactor);
            // After a rejection, growing again at once would likely be rejected again (Hairer's rule).
            if (lastRejected) factor = Math.Min(factor, 1);
            previousError = Math.Max(error, MinPreviousError);
            lastRejected = lastNonFinite = false;
            accepted++;
            (_y, _yNew) = (_yNew, _y);
            (_k1, _k7) = (_k7, _k1);
            t = tNew;
            if (next == times.Length)
            {
                // Only a solution near the overflow threshold can make the interpolant overflow, but success promises finite output.
                var status = AllFinite(output) ? OdeStatus.Success : OdeStatus.NonFiniteState;
                return new OdeSolveResult(status, accepted, rejected, evaluations);
            }
            h *= factor;
        }
    }

    private void CheckArguments(double t0, ReadOnlySpan<double> y0, ReadOnlySpan<double> times, Span<double> output)
    {
        if (y0.Length != Dimension)
            throw new ArgumentException($"Initial state has {y0.Length} values; this solver has dimension {Dimension}.");
        if (output.Length != times.Length * Dimension)
            throw new ArgumentException($"Output holds {output.Length} values; {times.Length} times × {Dimension} need {times.Length * Dimension}.");
        if (!double.IsFinite(t0)) throw new ArgumentException($"Initial time must be finite; got {t0}.");
        double previous = t0;
        for (int i = 0; i < times.Length; i++)
        {
            if (!double.IsFinite(times[i]) || times[i] < previous)
                throw new ArgumentException($"Output times must be finite, non-decreasing and not before t0 = {t0}; time {i} is {times[i]} after {previous}.");
            previous = times[i];
        }
    }

    /// <summary>
    /// Hairer's starting step: make the explicit Euler step's change, and then the change of f over it, about
    /// 1% of the tolerance scale, using the 5th-order error law for the latter.
    /// </summary>
    private double InitialStep<TSystem>(TSystem system, double t0, double span) where TSystem : IOdeSystem
    {
        double stateNorm = 0, slopeNorm = 0;
        for (int i = 0; i < Dimension; i++)
        {
            double scale = _options.AbsoluteTolerance + _options.RelativeTolerance * Math.Abs(_y[i]);
            stateNorm += Sq(_y[i] / scale);
            slopeNorm += Sq(_k1[i] / scale);
        }
        double h0 = stateNorm <= 1e-10 || slopeNorm <= 1e-10 ? 1e-6 : 0.01 * Math.Sqrt(stateNorm / slopeNorm);
        h0 = Math.Min(h0, span);

        for (int i = 0; i < Dimension; i++) _stage[i] = _y[i] + h0 * _k1[i];
        system.Derivative(t0 + h0, _stage, _k2);
        double curvatureNorm = 0;
        for (int i = 0; i < Dimension; i++)
        {
            double scale = _options.AbsoluteTolerance + _options.RelativeTolerance * Math.Abs(_y[i]);
            curvatureNorm += Sq((_k2[i] - _k1[i]) / scale);
        }
        double change = Math.Max(Math.Sqrt(curvatureNorm) / h0, Math.Sqrt(slopeNorm));
        // A non-finite change (f overflowed at the trial point) gives no guidance; the step loop shrinks as needed.
        double h1 = double.IsFinite(change) && change > 1e-15 ? Math.Pow(0.01 / change, ErrorExponent) : Math.Max(1e-6, h0 * 1e-3);
        return Math.Min(Math.Min(100 * h0, h1), span);
    }

    /// <summary>Stages 2..7 from _k1 = f(t, _y); leaves the 5th-order solution in _yNew and f(t + h, _yNew) in _k7.</summary>
    private void Step<TSystem>(TSystem system, double t, double h) where TSystem : IOdeSystem
    {
        int n = Dimension;
        Span<double> y = _y, yNew = _yNew, s = _stage, k1 = _k1, k2 = _k2, k3 = _k3, k4 = _k4, k5 = _k5, k6 = _k6;
        for (int i = 0; i < n; i++) s[i] = y[i] + h * A21 * k1[i];
        system.Derivative(t + C2 * h, s, k2);
        for (int i = 0; i < n; i++) s[i] = y[i] + h * (A31 * k1[i] + A32 * k2[i]);
        system.Derivative(t + C3 * h, s, k3);
        for (int i = 0; i < n; i++) s[i] = y[i] + h * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
        system.Derivative(t + C4 * h, s, k4);
        for (int i = 0; i < n; i++) s[i] = y[i] + h * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
        system.Derivative(t + C5 * h, s, k5);
        for (int i = 0; i < n; i++) s[i] = y[i] + h * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
        system.Derivative(t + h, s, k6);
        for (int i = 0; i < n; i++) yNew[i] = y[i] + h * (A71 * k1[i] + A73 * k3[i] + A74 * k4[i] + A75 * k5[i] + A76 * k6[i]);
        system.Derivative(t + h, yNew, _k7);
    }

    /// <summary>
    /// Root-mean-square of the local error estimate over components, each scaled by atol + rtol·max(|y|, |y_new|);
    /// at most 1 means the step meets the tolerance. Not finite when the trial step overflowed or produced NaN.
    /// </summary>
    private double ErrorNorm(double h)
    {
        double sum = 0;
        for (int i = 0; i < Dimension; i++)
        {
            // An overflowed new state would make its own scale infinite and the scaled error 0.
            if (!double.IsFinite(_yNew[i])) return double.NaN;
            double estimate = h * (E1 * _k1[i] + E3 * _k3[i] + E4 * _k4[i] + E5 * _k5[i] + E6 * _k6[i] + E7 * _k7[i]);
            double scale = _options.AbsoluteTolerance + _options.RelativeTolerance * Math.Max(Math.Abs(_y[i]), Math.Abs(_yNew[i]));
            sum += Sq(estimate / scale);
        }
        // NaN or overflow in a stage derivative propagates into the sum.
        return Math.Sqrt(sum / Dimension);
    }

    /// <summary>Writes the outputs for times in (t, tNew] of the step just accepted; returns the index of the first time after it.</summary>
    private int WriteOutputs(double t, double tNew, double h, ReadOnlySpan<double> times, Span<double> output, int next)
    {
        int n = Dimension;
        for (; next < times.Length && times[next] <= tNew; next++)
        {
            var row = output.Slice(n * next, n);
            if (times[next] == tNew)
            {
                _yNew.CopyTo(row);
                continue;
            }
            double theta = (times[next] - t) / h, theta1 = 1 - theta;
            for (int i = 0; i < n; i++)
            {
                double change = _yNew[i] - _y[i];
                double eulerDefect = h * _k1[i] - change;
                double cubic = change - h * _k7[i] - eulerDefect;
                double quartic = h * (D1 * _k1[i] + D3 * _k3[i] + D4 * _k4[i] + D5 * _k5[i] + D6 * _k6[i] + D7 * _k7[i]);
                row[i] = _y[i] + theta * (change + theta1 * (eulerDefect + theta * (cubic + theta1 * quartic)));
            }
        }
        return next;
    }

    private OdeSolveResult Fail(OdeStatus status, Span<double> output, int next, int accepted, int rejected, int evaluations)
    {
        output[(Dimension * next)..].Fill(double.NaN);
        return new OdeSolveResult(status, accepted, rejected, evaluations);
    }

    /// <summary>Ten units in the last place of t: a shorter step would be lost, or badly rounded, in t + h.</summary>
    private static double MinimumStep(double t) => 10 * (Math.BitIncrement(Math.Abs(t)) - Math.Abs(t));

    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (double v in values)
            if (!double.IsFinite(v)) return false;
        return true;
    }

    private static double Sq(double x) => x * x;
}
