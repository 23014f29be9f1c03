using Gatsbi.Distributions;
using Gatsbi.Numerics;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Benchmarks.Tasks;

/// <summary>
/// sbibm's sir: an SIR epidemic in a population of N = 10⁶, S′ = −βSI/N, I′ = βSI/N − γI, R′ = γI from
/// (S, I, R) = (N − 1, 1, 0), solved over 160 days. x holds, for days 0, 17, …, 153, a Binomial(1000, I/N)
/// count: the number of infected people in a sample of 1000. θ = (β, γ): contact rate and recovery rate per day,
/// with independent log-normal priors log β ~ N(log 0.4, 0.5²) and log γ ~ N(log 0.125, 0.2²). A failed ODE solve
/// gives an all-NaN row. Defined in sbibm/tasks/sir/task.py of github.com/sbi-benchmark/sbibm.
/// </summary>
public sealed class Sir : BenchmarkTask, ITractableLikelihood
{
    /// <summary>Population size N.</summary>
    public const double Population = 1_000_000;

    /// <summary>Size of the sample in which infected people are counted.</summary>
    public const int SampleSize = 1000;

    /// <summary>Output days 0, 1, …, 160, as sbibm solves them (saveat = 1).</summary>
    private static readonly double[] Days = Enumerable.Range(0, 161).Select(d => (double)d).ToArray();

    /// <summary>x uses every 17th output day: 0, 17, …, 153.</summary>
    private const int DayStride = 17;

    private const int SummaryCount = 10;

    /// <inheritdoc/>
    public override string Name => "sir";

    /// <inheritdoc/>
    public override string PriorDescription => "log-normal, medians (0.4, 0.125), log-stds (0.5, 0.2)";

    /// <summary>log β ~ N(log 0.4, 0.5²), log γ ~ N(log 0.125, 0.2²), independent.</summary>
    public override IPrior Prior { get; } = new IndependentLogNormal([Math.Log(0.4), Math.Log(0.125)], [0.5, 0.2]);

    /// <summary>
    /// The ODE solved with an adaptive Runge–Kutta 5(4) method at tolerances 1e−8, then the ten binomial counts: 2
    /// parameters to 10 values. Thread-safe.
    /// </summary>
    public override ISimulator Simulator { get; } = new SirSimulator();

    /// <summary>("beta", "gamma"); sbibm's files label them with LaTeX.</summary>
    public override string[] ParameterNames { get; } = ["beta", "gamma"];

    /// <summary>
    /// The binomial log-likelihood of <see cref="LogLikelihood"/>, with the ODE solved once for θ; NaN for every x
    /// when the solve at θ fails (the plausibility check leaves such θ out).
    /// </summary>
    public override DataStatistic PlausibilityStatistic(float[] theta)
    {
        var p = SuccessProbabilities(theta);
        if (p is null) return _ => double.NaN;
        return x => BinomialLogPmf(p, x);
    }

    /// <summary>
    /// log p(x | θ) = Σₖ log Binomial(xₖ; 1000, pₖ), the full probability mass function including log Γ(1001), with
    /// pₖ = clamp(I(tₖ)/N, 0, 1) computed in float32 as the simulator does and then clamped into [2⁻²³, 1 − 2⁻²³] as
    /// PyTorch's Binomial.log_prob does (sbibm evaluates its likelihood through PyTorch, sbibm/tasks/sir/task.py). The
    /// mass sums to one over x ∈ {0, …, 1000}¹⁰. −∞ when an xₖ is not an integer in [0, 1000] (NaN included).
    /// </summary>
    /// <remarks>
    /// When the ODE solve at θ fails, the simulator returns the all-NaN row with certainty and never a finite x. So
    /// any finite x is impossible there: −∞, which keeps MCMC and rejection sampling out of θ that cannot have
    /// produced the data. (sbibm's pyro model samples the binomial only for the rows whose solve succeeded, so its
    /// likelihood records no data term at such θ, i.e. 0, and would let a posterior sampler wander into them.) For
    /// the all-NaN row itself at such θ this returns 0 = log 1: that row is the simulator's only outcome there, and
    /// counting it as one more point of x's support keeps the mass normalised for every θ (it is −∞ at θ whose
    /// solve succeeds, and a partly-NaN x is −∞ everywhere).
    /// </remarks>
    public double LogLikelihood(ReadOnlySpan<float> theta, ReadOnlySpan<float> x)
    {
        var p = SuccessProbabilities(theta);
        if (p is null) return IsFailedSimulationRow(x) ? 0 : double.NegativeInfinity;
        return BinomialLogPmf(p, x);
    }

    /// <summary>
    /// The binomial success probabilities pₖ = clamp(clamp(I(tₖ)/N, 0, 1), ε, 1 − ε), ε = 2⁻²³; null when the
    /// solve fails.
    /// </summary>
    private static double[]? SuccessProbabilities(ReadOnlySpan<float> theta)
    {
        var infected = Infected(theta);
        if (infected is null) return null;
        // sbibm divides and clamps in float32 (as the simulator does); PyTorch's Binomial.log_prob then turns the
        // probability into logits with probs_to_logits, which clamps it to [eps, 1 − eps] with eps the float32
        // machine epsilon, so that I = 0 or I = N gives finite logits.
        const double eps = 1.0 / (1 << 23);
        var p = new double[SummaryCount];
        for (int k = 0; k < SummaryCount; k++) p[k] = Math.Clamp(Math.Clamp(infected[k] / (float)Population, 0f, 1f), eps, 1 - eps);
        return p;
    }

    /// <summary>log Γ(1001) = log 1000!, the binomial coefficient's θ- and x-free part.</summary>
    private static readonly double LogFactorialSampleSize = RandomVariates.LogGamma(SampleSize + 1.0);

    /// <summary>Σₖ log Binomial(xₖ; 1000, pₖ); −∞ when an xₖ is not an integer in [0, 1000].</summary>
    private static double BinomialLogPmf(double[] p, ReadOnlySpan<float> x)
    {
        double sum = 0;
        for (int k = 0; k < SummaryCount; k++)
        {
            double count = x[k];
            // The negated test also catches NaN.
            if (!(count >= 0 && count <= SampleSize && count == Math.Floor(count))) return double.NegativeInfinity;
            sum += LogFactorialSampleSize - RandomVariates.LogGamma(count + 1) - RandomVariates.LogGamma(SampleSize - count + 1)
                   + count * Math.Log(p[k]) + (SampleSize - count) * double.LogP1(-p[k]);
        }
        return sum;
    }

    /// <summary>
    /// The noise-free number of infected I at days 0, 17, …, 153, cast to float32 as sbibm does; null when the
    /// solve fails (the simulator then returns a NaN row).
    /// </summary>
    public static float[]? Infected(ReadOnlySpan<float> theta)
    {
        var infected = new float[SummaryCount];
        return SolveInfected(theta, new DormandPrince54(3), new double[Days.Length * 3], infected) ? infected : null;
    }

    /// <summary>
    /// Solves the ODE over the whole span (as sbibm does, so a solve that fails after day 153 still fails) and
    /// writes I at the summary days into <paramref name="infected"/>.
    /// </summary>
    private static bool SolveInfected(ReadOnlySpan<float> theta, DormandPrince54 solver, double[] trajectory, Span<float> infected)
    {
        var result = solver.Solve(new SirEquations(theta[0], theta[1]), 0, [Population - 1, 1, 0], Days, trajectory);
        if (!result.Succeeded) return false;
        // A successful solve is finite throughout, so sbibm's NaN check of the trajectory cannot trigger here.
        for (int k = 0; k < SummaryCount; k++) infected[k] = (float)trajectory[3 * DayStride * k + 1];
        return true;
    }

    private readonly struct SirEquations(double beta, double gamma) : IOdeSystem
    {
        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt)
        {
            double infections = beta * y[0] * y[1] / Population;
            double recoveries = gamma * y[1];
            dydt[0] = -infections;
            dydt[1] = infections - recoveries;
            dydt[2] = recoveries;
        }
    }

    /// <summary>Thread-safe: each call has its own solver and buffers.</summary>
    private sealed class SirSimulator : ISimulator
    {
        public int ParameterDimension => 2;
        public int DataDimension => SummaryCount;

        public void Simulate(float[,] theta, float[,] x, Rng rng)
        {
            var solver = new DormandPrince54(3);
            var trajectory = new double[Days.Length * 3];
            Span<float> infected = stackalloc float[SummaryCount];
            for (int i = 0; i < theta.GetLength(0); i++)
            {
                var row = x.Row(i);
                // A failed solve gives an all-NaN row and draws no noise, as in sbibm.
                if (!SolveInfected(theta.Row(i), solver, trajectory, infected))
                {
                    row.Fill(float.NaN);
                    continue;
                }
                for (int k = 0; k < SummaryCount; k++)
                {
                    // sbibm divides and clamps in float32; clamping also absorbs solver round-off around I = 0.
                    float p = Math.Clamp(infected[k] / (float)Population, 0f, 1f);
                    row[k] = rng.Binomial(SampleSize, p);
                }
            }
        }
    }
}
