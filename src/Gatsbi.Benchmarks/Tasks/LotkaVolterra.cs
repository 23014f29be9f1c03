using Gatsbi.Distributions;
using Gatsbi.Numerics;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Benchmarks.Tasks;

/// <summary>
/// sbibm's lotka_volterra: prey u and predators v with u′ = αu − βuv, v′ = −γv + δuv from (30, 1), solved on
/// [0, 20]. x holds the prey at t = 0, 2.1, …, 18.9, then the predators at the same times, each with
/// log-normal noise of log-std 0.1 around the value clamped to [1e−10, 1e4]. θ = (α, β, γ, δ) with independent
/// log-normal priors of log-std 0.5: log α, log γ ~ N(−0.125, 0.5²) and log β, log δ ~ N(−3, 0.5²). A failed ODE
/// solve gives an all-NaN row. Defined in sbibm/tasks/lotka_volterra/task.py of github.com/sbi-benchmark/sbibm.
/// </summary>
public sealed class LotkaVolterra : BenchmarkTask, ITractableLikelihood
{
    /// <summary>Output times k/10 for k = 0..200, as sbibm solves them (saveat = 0.1).</summary>
    private static readonly double[] Times = Enumerable.Range(0, 201).Select(k => k / 10.0).ToArray();

    /// <summary>x uses every 21st output time: t = 0, 2.1, …, 18.9.</summary>
    private const int TimeStride = 21;

    private const int TimeCount = 10;

    /// <summary>Standard deviation of the log-normal observation noise on the log scale.</summary>
    public const double NoiseLogStd = 0.1;

    /// <summary>Populations are clamped to [LowerClamp, UpperClamp] before noise is added; the upper bound is reached when prey explode.</summary>
    public const float LowerClamp = 1e-10f, UpperClamp = 1e4f;

    /// <inheritdoc/>
    public override string Name => "lotka_volterra";

    /// <inheritdoc/>
    public override string PriorDescription => "log-normal, log-means (-0.125, -3, -0.125, -3), log-std 0.5";

    /// <summary>log θ ~ N((−0.125, −3, −0.125, −3), 0.5²·I), i.e. medians ≈ 0.88 for α, γ and ≈ 0.050 for β, δ.</summary>
    public override IPrior Prior { get; } = new IndependentLogNormal([-0.125, -3, -0.125, -3], [0.5, 0.5, 0.5, 0.5]);

    /// <summary>
    /// The ODE solved with an adaptive Runge–Kutta 5(4) method at tolerances 1e−8, then log-normal noise: 4 parameters
    /// to 20 values (prey, then predators). Thread-safe.
    /// </summary>
    public override ISimulator Simulator { get; } = new LotkaVolterraSimulator();

    /// <summary>("alpha", "beta", "gamma", "delta"); sbibm's files label them with LaTeX.</summary>
    public override string[] ParameterNames { get; } = ["alpha", "beta", "gamma", "delta"];

    /// <summary>
    /// The log-normal log-likelihood of <see cref="LogLikelihood"/>, with the ODE solved once for θ; NaN for every x
    /// when the solve at θ fails (the plausibility check leaves such θ out).
    /// </summary>
    public override DataStatistic PlausibilityStatistic(float[] theta)
    {
        var logMean = LogMeans(theta);
        if (logMean is null) return _ => double.NaN;
        return x => LogNormalLogDensity(logMean, x);
    }

    /// <summary>
    /// log p(x | θ) = Σₖ [−log(0.1·√(2π)) − log xₖ − ½zₖ²] with zₖ = (log xₖ − log clamp(uₖ, 1e−10, 1e4))/0.1: each
    /// xₖ log-normal around the noise-free population uₖ clamped as the simulator clamps it (sbibm's LogNormal
    /// observation model in sbibm/tasks/lotka_volterra/task.py), normalised over x ∈ (0, ∞)²⁰. −∞ when an xₖ is not
    /// positive (NaN included).
    /// </summary>
    /// <remarks>
    /// When the ODE solve at θ fails, the simulator returns the all-NaN row with certainty and never a finite x, so
    /// any finite x is impossible there: −∞, which keeps MCMC and rejection sampling out of θ that cannot have
    /// produced the data. (sbibm's pyro model draws the noise only for the rows whose solve succeeded, so its
    /// likelihood records no data term at such θ, i.e. 0.) For the all-NaN row itself at such θ this returns 0: the
    /// row is the simulator's only outcome there, a unit atom beside the density on finite x, so p(· | θ) stays
    /// normalised for every θ (the atom has mass 0, −∞, at θ whose solve succeeds).
    /// </remarks>
    public double LogLikelihood(ReadOnlySpan<float> theta, ReadOnlySpan<float> x)
    {
        var logMean = LogMeans(theta);
        if (logMean is null) return IsFailedSimulationRow(x) ? 0 : double.NegativeInfinity;
        return LogNormalLogDensity(logMean, x);
    }

    /// <summary>
    /// log clamp(uₖ, 1e−10, 1e4) for the 20 noise-free populations, clamped in float32 as the simulator does; null
    /// when the solve fails.
    /// </summary>
    private static double[]? LogMeans(ReadOnlySpan<float> theta)
    {
        var populations = Populations(theta);
        if (populations is null) return null;
        var logMean = new double[populations.Length];
        for (int k = 0; k < logMean.Length; k++) logMean[k] = Math.Log(Math.Clamp(populations[k], LowerClamp, UpperClamp));
        return logMean;
    }

    /// <summary>−log(0.1·√(2π)), the normalising constant of one log-normal factor on the log scale.</summary>
    private static readonly double LogNormaliser = -Math.Log(NoiseLogStd * Math.Sqrt(2 * Math.PI));

    /// <summary>Σₖ log LogNormal(xₖ; log-mean mₖ, log-std 0.1), with the Jacobian −log xₖ; −∞ when an xₖ is not positive.</summary>
    private static double LogNormalLogDensity(double[] logMean, ReadOnlySpan<float> x)
    {
        double sum = 0;
        for (int k = 0; k < logMean.Length; k++)
        {
            // The negated test also catches NaN; +∞ gives −∞ through z² below.
            if (!(x[k] > 0)) return double.NegativeInfinity;
            double logX = Math.Log(x[k]), z = (logX - logMean[k]) / NoiseLogStd;
            sum += LogNormaliser - logX - 0.5 * z * z;
        }
        return sum;
    }

    /// <summary>
    /// The noise-free populations in x's order (prey at the ten times, then predators), cast to float32 as sbibm
    /// does and not clamped; null when the solve fails (the simulator then returns a NaN row).
    /// </summary>
    public static float[]? Populations(ReadOnlySpan<float> theta)
    {
        var populations = new float[2 * TimeCount];
        return SolvePopulations(theta, new DormandPrince54(2), new double[Times.Length * 2], populations) ? populations : null;
    }

    /// <summary>
    /// Solves the ODE over the whole span (as sbibm does, so a solve that fails after t = 18.9 still fails) and
    /// writes the populations at the summary times into <paramref name="populations"/>.
    /// </summary>
    private static bool SolvePopulations(ReadOnlySpan<float> theta, DormandPrince54 solver, double[] trajectory, Span<float> populations)
    {
        var equations = new LotkaVolterraEquations(theta[0], theta[1], theta[2], theta[3]);
        if (!solver.Solve(equations, 0, [30, 1], Times, trajectory).Succeeded) return false;
        // A successful solve is finite throughout, so sbibm's NaN check of the trajectory cannot trigger here.
        for (int k = 0; k < TimeCount; k++)
        {
            populations[k] = (float)trajectory[2 * TimeStride * k];
            populations[TimeCount + k] = (float)trajectory[2 * TimeStride * k + 1];
        }
        return true;
    }

    private readonly struct LotkaVolterraEquations(double alpha, double beta, double gamma, double delta) : IOdeSystem
    {
        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt)
        {
            double prey = y[0], predators = y[1];
            dydt[0] = alpha * prey - beta * prey * predators;
            dydt[1] = -gamma * predators + delta * prey * predators;
        }
    }

    /// <summary>Thread-safe: each call has its own solver and buffers.</summary>
    private sealed class LotkaVolterraSimulator : ISimulator
    {
        public int ParameterDimension => 4;
        public int DataDimension => 2 * TimeCount;

        public void Simulate(float[,] theta, float[,] x, Rng rng)
        {
            var solver = new DormandPrince54(2);
            var trajectory = new double[Times.Length * 2];
            Span<float> populations = stackalloc float[2 * TimeCount];
            for (int i = 0; i < theta.GetLength(0); i++)
            {
                var row = x.Row(i);
                // A failed solve gives an all-NaN row and draws no noise, as in sbibm.
                if (!SolvePopulations(theta.Row(i), solver, trajectory, populations))
                {
                    row.Fill(float.NaN);
                    continue;
                }
                for (int k = 0; k < row.Length; k++)
                {
                    float clamped = Math.Clamp(populations[k], LowerClamp, UpperClamp);
                    row[k] = (float)Math.Exp(Math.Log(clamped) + NoiseLogStd * rng.Normal());
                }
            }
        }
    }
}
