using Gatsbi.Distributions;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Benchmarks.Tasks;

/// <summary>
/// sbibm's bernoulli_glm: a spiking neuron as a Bernoulli GLM over 100 time bins with a white-noise
/// stimulus. θ₁ is the offset, θ₂..θ₁₀ a 9-tap temporal filter; the prior N(0, P⁻¹) favours smooth
/// filters. Spikes are yₜ ~ Bernoulli(σ(ψₜ)) with ψ = Xθ for the design matrix X (<see cref="DesignMatrix"/>), and x is
/// the sufficient summary Xᵀy (spike count and spike-triggered sums at lags 0..8). Defined in
/// sbibm/tasks/bernoulli_glm/task.py of github.com/sbi-benchmark/sbibm.
/// </summary>
/// <remarks>
/// The likelihood of the summary is known only up to a term in x (<see cref="IUnnormalisedLikelihood"/>): p(x | θ)
/// sums p(y | θ) over every spike train y with Xᵀy = x, and all of them have the same p(y | θ) = exp(θ·x − Σₜ
/// log(1 + e^ψₜ)), so p(x | θ) is that times the number of such trains, which depends on x alone and has no
/// closed form. <see cref="BernoulliGlmRaw"/>, whose data are y itself, is <see cref="ITractableLikelihood"/>.
/// </remarks>
public class BernoulliGlm : BenchmarkTask, IUnnormalisedLikelihood
{
    /// <summary>Length of θ: the offset and the 9 filter taps.</summary>
    public const int ParameterCount = 10;

    /// <summary>Time bins of the stimulus and of the spike train.</summary>
    public const int TimeBins = 100;
    private const int FilterLength = ParameterCount - 1;

    private static readonly Lazy<GlmModel> Model = new(GlmModel.LoadEmbedded);

    /// <summary>The task with the summary output (or, for <see cref="BernoulliGlmRaw"/>, the raw spikes); sbibm's stimulus is loaded on first use.</summary>
    public BernoulliGlm() => Simulator = new GlmSimulator(RawOutput);

    /// <inheritdoc/>
    public override string Name => "bernoulli_glm";

    /// <inheritdoc/>
    public override string PriorDescription => "N(0, P^-1), smoothness prior on the filter";

    /// <summary>θ ~ N(0, P⁻¹) with the precision of <see cref="PriorPrecision"/>.</summary>
    public override IPrior Prior { get; } = MultivariateNormal.FromPrecision(new double[ParameterCount], PriorPrecision());

    /// <summary>The GLM: 10 parameters to the 10-value summary Xᵀy (bernoulli_glm) or the 100 raw spikes of 0/1 (bernoulli_glm_raw).</summary>
    public override ISimulator Simulator { get; }

    /// <inheritdoc/>
    public override string[] ParameterNames { get; } = Storage.CsvMatrix.DefaultNames("parameter", ParameterCount);

    /// <summary>sbibm's budgets for the Bernoulli GLM tasks: {10³, 10⁴, 10⁵, 10⁶}.</summary>
    public override IReadOnlyList<int> SimulationBudgets { get; } = [1_000, 10_000, 100_000, 1_000_000];

    /// <summary>
    /// The log-likelihood up to terms in θ alone: θ·Xᵀy, which for the summary task is θ·x, and for the raw
    /// task θ·(Xᵀx).
    /// </summary>
    public override DataStatistic PlausibilityStatistic(float[] theta) => x =>
    {
        Span<float> summary = stackalloc float[ParameterCount];
        if (RawOutput) Summarise(x, summary);
        else x.CopyTo(summary);
        double sum = 0;
        for (int j = 0; j < ParameterCount; j++) sum += theta[j] * (double)summary[j];
        return sum;
    };

    /// <summary>True for bernoulli_glm_raw, whose data are the 100 raw spikes instead of the summary.</summary>
    protected virtual bool RawOutput => false;

    /// <summary>The design matrix X (100 × 10): a column of ones, then the stimulus delayed by 0..8 bins.</summary>
    public static double[,] DesignMatrix => (double[,])Model.Value.Design.Clone();

    /// <summary>
    /// The prior precision P: 0.5 for the offset (variance 2), and FᵀF for the filter, where
    /// F = D·D + diag(√(i/9)) and D = I − (ones on the first sub-diagonal): a second-difference penalty.
    /// </summary>
    public static double[,] PriorPrecision()
    {
        const int m = FilterLength;
        var f = new double[m, m];
        for (int i = 0; i < m; i++)
        {
            f[i, i] = 1 + Math.Sqrt(i / (double)m);
            if (i >= 1) f[i, i - 1] = -2;
            if (i >= 2) f[i, i - 2] = 1;
        }
        var p = new double[ParameterCount, ParameterCount];
        p[0, 0] = 0.5;
        for (int r = 0; r < m; r++)
            for (int c = 0; c < m; c++)
            {
                double sum = 0;
                for (int k = 0; k < m; k++) sum += f[k, r] * f[k, c];
                p[r + 1, c + 1] = sum;
            }
        return p;
    }

    /// <summary>The linear predictor ψ = X·θ for all 100 bins.</summary>
    public static void LinearPredictor(ReadOnlySpan<float> theta, Span<double> psi)
    {
        ReadOnlySpan<double> design = Model.Value.FlatDesign;
        for (int t = 0; t < TimeBins; t++)
        {
            var row = design.Slice(t * ParameterCount, ParameterCount);
            double sum = 0;
            for (int j = 0; j < ParameterCount; j++) sum += row[j] * theta[j];
            psi[t] = sum;
        }
    }

    /// <summary>
    /// log p(y | θ) = Σₜ yₜψₜ − log(1 + e^ψₜ) for a raw spike train y, normalised over y ∈ {0, 1}¹⁰⁰; −∞ when a
    /// yₜ is not 0 or 1 (NaN included), since the simulator draws only those.
    /// </summary>
    public static double LogLikelihood(ReadOnlySpan<float> theta, ReadOnlySpan<float> spikes)
    {
        for (int t = 0; t < TimeBins; t++)
            if (spikes[t] is not (0f or 1f)) return double.NegativeInfinity;
        Span<double> psi = stackalloc double[TimeBins];
        LinearPredictor(theta, psi);
        double sum = 0;
        for (int t = 0; t < TimeBins; t++)
            sum += spikes[t] * psi[t] - Softplus(psi[t]);
        return sum;
    }

    /// <summary>
    /// For the summary x = Xᵀy: θ·x − Σₜ log(1 + e^ψₜ) with ψ = Xθ, which is log p(x | θ) + log of the number of
    /// spike trains y with Xᵀy = x (a term in x alone; see the class remarks), and equals log p(y | θ) for each such
    /// y. −∞ when x cannot be a summary: a value is not finite, or the spike count x₁ is not an integer in
    /// [0, 100]. For the raw task, <see cref="BernoulliGlmRaw"/> overrides this with its normalised likelihood.
    /// </summary>
    /// <remarks>
    /// x is Xᵀy rounded to float32 (sbibm's stored observations are summed in float32 as well), so θ·x carries a
    /// rounding error of about 1e−7·|θ|·|x|; no other term in θ is lost.
    /// </remarks>
    /// <param name="theta">The 10 parameters.</param>
    /// <param name="x">The 10-value summary Xᵀy.</param>
    public virtual double LogLikelihoodUpToData(ReadOnlySpan<float> theta, ReadOnlySpan<float> x)
    {
        // The first column of X is ones, so x₁ counts the spikes.
        if (!(x[0] >= 0 && x[0] <= TimeBins && x[0] == MathF.Floor(x[0]))) return double.NegativeInfinity;
        double dot = 0;
        for (int j = 0; j < ParameterCount; j++)
        {
            if (!float.IsFinite(x[j])) return double.NegativeInfinity;
            dot += theta[j] * (double)x[j];
        }
        Span<double> psi = stackalloc double[TimeBins];
        LinearPredictor(theta, psi);
        double logPartition = 0;
        for (int t = 0; t < TimeBins; t++) logPartition += Softplus(psi[t]);
        return dot - logPartition;
    }

    /// <summary>The summary Xᵀy: spike count, then the spike-triggered stimulus sums at lags 0..8.</summary>
    public static void Summarise(ReadOnlySpan<float> spikes, Span<float> summary)
    {
        // No stackalloc here or in the simulator loop (see GlmSimulator).
        ReadOnlySpan<double> design = Model.Value.FlatDesign;
        for (int j = 0; j < ParameterCount; j++)
        {
            double sum = 0;
            for (int t = 0; t < TimeBins; t++) sum += spikes[t] * design[t * ParameterCount + j];
            summary[j] = (float)sum;
        }
    }

    private static double Softplus(double v) => v > 0 ? v + double.LogP1(Math.Exp(-v)) : double.LogP1(Math.Exp(v));

    private sealed class GlmSimulator(bool raw) : ISimulator
    {
        public int ParameterDimension => ParameterCount;
        public int DataDimension => raw ? TimeBins : ParameterCount;

        public void Simulate(float[,] theta, float[,] x, Rng rng)
        {
            // Heap buffers, not stackalloc: with stack-allocated buffers in this loop (or in Summarise) the
            // simulator ran 4–6× slower on x64, and the gap vanished with DOTNET_EnableAVX=0 — the signature
            // of AVX–SSE transition stalls in the C library's exp after the JIT zeroes stack memory with AVX.
            var psi = new double[TimeBins];
            var spikes = new float[TimeBins];
            for (int i = 0; i < theta.GetLength(0); i++)
            {
                LinearPredictor(theta.Row(i), psi);
                for (int t = 0; t < TimeBins; t++)
                    spikes[t] = rng.NextDouble() < 1 / (1 + Math.Exp(-psi[t])) ? 1f : 0f;
                if (raw) spikes.CopyTo(x.Row(i));
                else Summarise(spikes, x.Row(i));
            }
        }
    }

    /// <summary>The stimulus and design matrix sbibm stores with the task.</summary>
    internal sealed record GlmModel(double[] Stimulus, double[,] Design)
    {
        /// <summary>The design matrix row by row in one array: the hot loops read it contiguously.</summary>
        public double[] FlatDesign { get; } = Design.Cast<double>().ToArray();

        public static GlmModel LoadEmbedded()
        {
            var stimulus = EmbeddedData.ReadTable("bernoulli_glm", "stimulus_I.csv");
            if (stimulus.GetLength(0) != TimeBins || stimulus.GetLength(1) != 1)
                throw new InvalidDataException($"stimulus_I.csv has {stimulus.GetLength(0)}×{stimulus.GetLength(1)} values; expected {TimeBins}.");
            var values = new double[TimeBins];
            for (int t = 0; t < TimeBins; t++) values[t] = (float)stimulus[t, 0]; // sbibm's stimulus is float32
            return new GlmModel(values, BuildDesign(values));
        }

        /// <summary>X[t, 0] = 1; X[t, 1 + j] = I[t − j] for t ≥ j, else 0.</summary>
        private static double[,] BuildDesign(double[] stimulus)
        {
            var design = new double[TimeBins, ParameterCount];
            for (int t = 0; t < TimeBins; t++)
            {
                design[t, 0] = 1;
                for (int j = 0; j < FilterLength; j++) design[t, 1 + j] = t >= j ? stimulus[t - j] : 0;
            }
            return design;
        }
    }
}

/// <summary>
/// sbibm's bernoulli_glm_raw: the same prior and model, but x is the raw spike train (100 values of 0/1). The summary
/// is sufficient, so the posterior, and the reference samples, are those of bernoulli_glm. Unlike the summary task, its
/// likelihood is normalised (<see cref="ITractableLikelihood"/>).
/// </summary>
public sealed class BernoulliGlmRaw : BernoulliGlm, ITractableLikelihood
{
    /// <inheritdoc/>
    public override string Name => "bernoulli_glm_raw";

    /// <inheritdoc/>
    protected override bool RawOutput => true;

    /// <summary>bernoulli_glm, whose reference posterior this task shares.</summary>
    protected override string ReferenceTaskName => "bernoulli_glm";

    /// <summary>log p(y | θ) for the raw spike train y = x: <see cref="BernoulliGlm.LogLikelihood"/>.</summary>
    double ITractableLikelihood.LogLikelihood(ReadOnlySpan<float> theta, ReadOnlySpan<float> x) => LogLikelihood(theta, x);

    /// <summary>
    /// The normalised log p(y | θ) (<see cref="BernoulliGlm.LogLikelihood"/>), c(x) = 0. This override, not
    /// <see cref="ITractableLikelihood"/>'s default, is what the interface reaches: the base class's public
    /// implementation takes precedence over a default interface method, and it reads x as a summary.
    /// </summary>
    /// <param name="theta">The 10 parameters.</param>
    /// <param name="x">The 100 raw spikes, each 0 or 1.</param>
    public override double LogLikelihoodUpToData(ReadOnlySpan<float> theta, ReadOnlySpan<float> x) => LogLikelihood(theta, x);
}
