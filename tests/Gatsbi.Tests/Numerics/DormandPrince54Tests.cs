using Gatsbi.Numerics;

namespace Gatsbi.Tests.Numerics;

public sealed class DormandPrince54Tests
{
    private readonly struct Linear1(double rate) : IOdeSystem
    {
        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt) => dydt[0] = rate * y[0];
    }

    /// <summary>y′ = A·y with A = [[a, −b], [b, a]]: eigenvalues a ± ib, solution e^{at} times a rotation by bt.</summary>
    private readonly struct Spiral(double a, double b) : IOdeSystem
    {
        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt)
        {
            dydt[0] = a * y[0] - b * y[1];
            dydt[1] = b * y[0] + a * y[1];
        }
    }

    private readonly struct Oscillator(double omega) : IOdeSystem
    {
        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt)
        {
            dydt[0] = y[1];
            dydt[1] = -omega * omega * y[0];
        }
    }

    private readonly struct Logistic(double rate, double capacity) : IOdeSystem
    {
        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt) => dydt[0] = rate * y[0] * (1 - y[0] / capacity);
    }

    private readonly struct Quartic : IOdeSystem
    {
        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt) => dydt[0] = 4 * t * t * t;
    }

    private readonly struct Square : IOdeSystem
    {
        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt) => dydt[0] = y[0] * y[0];
    }

    /// <summary>y′ = 1 up to t = 0.5, then a right-hand side that is NaN.</summary>
    private readonly struct NaNAfterHalf : IOdeSystem
    {
        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt) => dydt[0] = t <= 0.5 ? 1 : double.NaN;
    }

    /// <summary>Uneven output times on [0, 10], including t0 and a repeated time.</summary>
    private static readonly double[] Times = [0, 0.05, 0.3, 1, 1, 1.7, 2.5, 3.14159, 4, 5.5, 6, 7.25, 8, 9.99, 10];

    private static OdeSolverOptions Tolerance(double tol) => new() { RelativeTolerance = tol, AbsoluteTolerance = tol };

    /// <summary>
    /// Largest error over all outputs and components, in units of the mixed tolerance tol·(1 + |exact|)
    /// (the scale the solver controls, with rtol = atol = tol).
    /// </summary>
    private static double ScaledError<TSystem>(TSystem system, double[] y0, double[] times, Func<double, double[]> exact, double tol)
        where TSystem : IOdeSystem
    {
        var solver = new DormandPrince54(y0.Length, Tolerance(tol));
        var output = new double[times.Length * y0.Length];
        var result = solver.Solve(system, 0, y0, times, output);
        Assert.Equal(OdeStatus.Success, result.Status);
        double worst = 0;
        for (int i = 0; i < times.Length; i++)
        {
            var expected = exact(times[i]);
            for (int j = 0; j < y0.Length; j++)
                worst = Math.Max(worst, Math.Abs(output[i * y0.Length + j] - expected[j]) / (tol * (1 + Math.Abs(expected[j]))));
        }
        return worst;
    }

    public static TheoryData<string> Problems => new() { "decay", "growth", "spiral", "oscillator", "logistic" };

    private static double ScaledError(string problem, double tol) => problem switch
    {
        "decay" => ScaledError(new Linear1(-1), [1], Times, t => [Math.Exp(-t)], tol),
        "growth" => ScaledError(new Linear1(1), [1], Times, t => [Math.Exp(t)], tol),
        "spiral" => ScaledError(new Spiral(-0.1, 2), [1, 0], Times,
            t => [Math.Exp(-0.1 * t) * Math.Cos(2 * t), Math.Exp(-0.1 * t) * Math.Sin(2 * t)], tol),
        "oscillator" => ScaledError(new Oscillator(3), [1, 0], Times, t => [Math.Cos(3 * t), -3 * Math.Sin(3 * t)], tol),
        // Logistic growth from 1 to near capacity 1000: y = K / (1 + (K − 1)e^{−rt}).
        "logistic" => ScaledError(new Logistic(1.5, 1000), [1], Times, t => [1000 / (1 + 999 * Math.Exp(-1.5 * t))], tol),
        _ => throw new ArgumentException(problem),
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public void Error_against_the_closed_form_is_within_100_tolerances_and_shrinks_as_the_tolerance_tightens(string problem)
    {
        double loose = ScaledError(problem, 1e-6), sbibm = ScaledError(problem, 1e-8), tight = ScaledError(problem, 1e-10);
        Assert.True(loose < 100 && sbibm < 100 && tight < 100, $"{problem}: scaled errors {loose}, {sbibm}, {tight}");
        // Absolute errors: each 100-fold tightening must cut the error, by well over 10 for a 5th-order method.
        Assert.True(sbibm * 1e-8 < loose * 1e-6 / 10 && tight * 1e-10 < sbibm * 1e-8 / 10,
            $"{problem}: errors {loose * 1e-6:e2}, {sbibm * 1e-8:e2}, {tight * 1e-10:e2} do not fall with the tolerance");
    }

    [Fact]
    public void Harmonic_oscillator_keeps_phase_and_energy_over_20_periods()
    {
        const double tol = 1e-8;
        var (error10, energy10) = OscillatorErrors(10, tol);
        var (error20, energy20) = OscillatorErrors(20, tol);
        // |y| = 1, so the solver controls each step's error to about 2·tol. The method is not symplectic: the
        // global error and the energy drift grow with time, but must stay within 100 tolerances over 20 periods,
        Assert.True(error20 < 100 * tol, $"phase error {error20:e2}");
        Assert.True(energy20 < 100 * tol, $"energy error {energy20:e2}");
        // and grow linearly (by a factor of about 2 from 10 to 20 periods), not exponentially.
        Assert.InRange(error20 / error10, 1.5, 2.5);
        Assert.InRange(energy20 / energy10, 1.5, 2.5);
    }

    /// <summary>Largest error of (cos t, −sin t) and of the energy x² + v² over 20 outputs per period.</summary>
    private static (double Error, double Energy) OscillatorErrors(int periods, double tol)
    {
        var times = Enumerable.Range(0, 20 * periods + 1).Select(i => i * (2 * Math.PI) / 20).ToArray();
        var output = new double[times.Length * 2];
        var result = new DormandPrince54(2, Tolerance(tol)).Solve(new Oscillator(1), 0, [1, 0], times, output);
        Assert.True(result.Succeeded);
        double worstError = 0, worstEnergy = 0;
        for (int i = 0; i < times.Length; i++)
        {
            double x = output[2 * i], v = output[2 * i + 1];
            worstError = Math.Max(worstError, Math.Max(Math.Abs(x - Math.Cos(times[i])), Math.Abs(v + Math.Sin(times[i]))));
            worstEnergy = Math.Max(worstEnergy, Math.Abs(x * x + v * v - 1));
        }
        return (worstError, worstEnergy);
    }

    [Fact]
    public void Dense_output_is_exact_for_a_quartic()
    {
        // DOPRI5's 5th-order step and 4th-order interpolant are exact for y = t⁴, whatever the step size, so any
        // error at the off-step times would come from wrong interpolation coefficients.
        var times = Enumerable.Range(0, 41).Select(i => 0.37 * i).ToArray();
        var output = new double[times.Length];
        var result = new DormandPrince54(1).Solve(new Quartic(), 0, [0], times, output);
        Assert.True(result.Succeeded);
        Assert.True(result.AcceptedSteps < times.Length, $"{result.AcceptedSteps} steps: the outputs should fall inside steps");
        for (int i = 0; i < times.Length; i++)
            Assert.True(Math.Abs(output[i] - Math.Pow(times[i], 4)) <= 1e-13 * (1 + Math.Pow(times[i], 4)),
                $"t = {times[i]}: {output[i]} vs {Math.Pow(times[i], 4)}");
    }

    [Fact]
    public void Output_rows_follow_the_requested_times_with_t0_exact()
    {
        var times = new[] { 2.0, 2.0, 2.5, 3.0, 3.0 };
        var output = new double[times.Length];
        var result = new DormandPrince54(1).Solve(new Linear1(-0.5), 2, [0.8], times, output);
        Assert.True(result.Succeeded);
        Assert.Equal(0.8, output[0]);
        Assert.Equal(0.8, output[1]);
        Assert.Equal(output[3], output[4]);
        for (int i = 0; i < times.Length; i++)
            Assert.InRange(output[i], 0.8 * Math.Exp(-0.5 * (times[i] - 2)) - 1e-7, 0.8 * Math.Exp(-0.5 * (times[i] - 2)) + 1e-7);
        // Only t0 requested: nothing to integrate.
        var only = new double[1];
        Assert.Equal(new OdeSolveResult(OdeStatus.Success, 0, 0, 0), new DormandPrince54(1).Solve(new Linear1(1), 0, [3], [0.0], only));
        Assert.Equal(3, only[0]);
    }

    [Fact]
    public void Output_times_do_not_change_the_step_sequence()
    {
        var solver = new DormandPrince54(2);
        var many = new double[Times.Length * 2];
        var few = new double[2];
        var manyResult = solver.Solve(new Spiral(-0.1, 2), 0, [1, 0], Times, many);
        var fewResult = solver.Solve(new Spiral(-0.1, 2), 0, [1, 0], [10.0], few);
        Assert.Equal(manyResult, fewResult);
        Assert.Equal(many[^2..], few);
    }

    [Fact]
    public void Blow_up_is_reported_not_thrown()
    {
        // y′ = y², y(0) = 1 has y = 1/(1 − t), which is infinite at t = 1.
        var times = new[] { 0.5, 0.9, 1.5, 2 };
        var output = new double[times.Length];
        var result = new DormandPrince54(1).Solve(new Square(), 0, [1], times, output);
        Assert.False(result.Succeeded);
        Assert.True(result.Status is OdeStatus.StepSizeTooSmall or OdeStatus.NonFiniteState, result.ToString());
        Assert.InRange(output[0], 2 - 1e-6, 2 + 1e-6);
        Assert.InRange(output[1], 10 - 1e-5, 10 + 1e-5);
        Assert.True(double.IsNaN(output[2]) && double.IsNaN(output[3]));
    }

    [Fact]
    public void Exceeding_the_step_limit_is_reported()
    {
        var options = new OdeSolverOptions { MaxSteps = 50 };
        var output = new double[2];
        var result = new DormandPrince54(2, options).Solve(new Oscillator(1), 0, [1, 0], [1000.0], output);
        Assert.Equal(OdeStatus.TooManySteps, result.Status);
        Assert.Equal(50, result.AcceptedSteps + result.RejectedSteps);
        Assert.True(double.IsNaN(output[0]) && double.IsNaN(output[1]));
    }

    [Fact]
    public void Non_finite_states_are_reported()
    {
        var output = new double[2];
        Assert.Equal(OdeStatus.NonFiniteState, new DormandPrince54(1).Solve(new Linear1(1), 0, [double.NaN], [0.0, 1.0], output).Status);
        Assert.True(double.IsNaN(output[0]), "the t0 row holds y0 as given");
        Assert.Equal(OdeStatus.NonFiniteState, new DormandPrince54(1).Solve(new Linear1(double.PositiveInfinity), 0, [1], [1.0], output.AsSpan(0, 1)).Status);
        var times = new[] { 0.25, 1.0 };
        var result = new DormandPrince54(1).Solve(new NaNAfterHalf(), 0, [0], times, output);
        Assert.Equal(OdeStatus.NonFiniteState, result.Status);
        Assert.InRange(output[0], 0.25 - 1e-12, 0.25 + 1e-12);
        Assert.True(double.IsNaN(output[1]));
        // y′ = y from 1e300 reaches e⁴⁰·1e300 ≈ 2e317 at t = 40, beyond the double range.
        var overflow = new DormandPrince54(1).Solve(new Linear1(1), 0, [1e300], [1.0, 40.0], output);
        Assert.Equal(OdeStatus.NonFiniteState, overflow.Status);
        Assert.InRange(output[0], Math.E * 1e300 * (1 - 1e-6), Math.E * 1e300 * (1 + 1e-6));
        Assert.True(double.IsNaN(output[1]));
    }

    [Fact]
    public void Repeated_solves_allocate_nothing()
    {
        var solver = new DormandPrince54(2);
        var output = new double[Times.Length * 2];
        double[] y0 = [1, 0];
        solver.Solve(new Spiral(-0.1, 2), 0, y0, Times, output);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) solver.Solve(new Spiral(-0.1, 2), 0, y0, Times, output);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Invalid_arguments_throw()
    {
        var solver = new DormandPrince54(2);
        Assert.Throws<ArgumentException>(() => solver.Solve(new Spiral(0, 1), 0, [1.0], [1.0], new double[2]));
        Assert.Throws<ArgumentException>(() => solver.Solve(new Spiral(0, 1), 0, [1.0, 0], [1.0], new double[3]));
        Assert.Throws<ArgumentException>(() => solver.Solve(new Spiral(0, 1), 0, [1.0, 0], [1.0, 0.5], new double[4]));
        Assert.Throws<ArgumentException>(() => solver.Solve(new Spiral(0, 1), 1, [1.0, 0], [0.5], new double[2]));
        Assert.Throws<ArgumentException>(() => solver.Solve(new Spiral(0, 1), 0, [1.0, 0], [double.NaN], new double[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DormandPrince54(0));
        Assert.Throws<ArgumentException>(() => new DormandPrince54(1, new OdeSolverOptions { RelativeTolerance = 0, AbsoluteTolerance = 0 }));
        Assert.Throws<ArgumentException>(() => new DormandPrince54(1, new OdeSolverOptions { MaxSteps = 0 }));
        Assert.Throws<ArgumentException>(() => new DormandPrince54(1, new OdeSolverOptions { MinFactor = 1.5 }));
    }
}
