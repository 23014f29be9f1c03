using Gatsbi.Distributions;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Benchmarks.Tasks;

/// <summary>
/// sbibm's slcp_distractors: the eight SLCP values joined to 92 uninformative values from a mixture of
/// twenty heavy-tailed Student-t distributions (df = 2), then shuffled by a fixed permutation:
/// out[j] = concat(slcp, noise)[perm[j]]. The noise does not depend on θ, so the posterior (and the
/// reference samples) are those of slcp. θ ~ U([−3, 3]⁵) as for slcp. Defined in sbibm/tasks/slcp/task.py of
/// github.com/sbi-benchmark/sbibm (with <c>distractors=True</c>).
/// </summary>
public sealed class SlcpDistractors : BenchmarkTask, ITractableLikelihood
{
    /// <summary>Values in x: the 8 SLCP values and 92 distractors, permuted.</summary>
    public const int DataLength = 100;

    private static readonly Lazy<DistractorNoise> Noise = new(DistractorNoise.LoadEmbedded);

    /// <inheritdoc/>
    public override string Name => "slcp_distractors";

    /// <inheritdoc/>
    public override string PriorDescription => "U([-3, 3]^5)";

    /// <summary>θ ~ U([−3, 3]⁵), as for slcp.</summary>
    public override IPrior Prior { get; } = new BoxUniform(5, -3f, 3f);

    /// <summary>The SLCP draws joined to one draw of <see cref="NoiseModel"/>, then permuted: 5 parameters to 100 values.</summary>
    public override ISimulator Simulator { get; } = new DistractorSimulator();

    /// <inheritdoc/>
    public override string[] ParameterNames { get; } = Storage.CsvMatrix.DefaultNames("parameter", 5);

    /// <summary>sbibm's budgets for slcp_distractors: {10³, 10⁴, 10⁵, 10⁶}.</summary>
    public override IReadOnlyList<int> SimulationBudgets { get; } = [1_000, 10_000, 100_000, 1_000_000];

    /// <summary>slcp: the distractors do not depend on θ, so the reference posterior is slcp's.</summary>
    protected override string ReferenceTaskName => "slcp";

    /// <summary>
    /// The SLCP log-likelihood of the eight embedded values plus a score of the 92 distractors: the
    /// Student-t log-density kernel of the best-fitting mixture component, −(df + 92)/2 · log(1 + δ²/df) with
    /// δ² = min_k |L_k⁻¹(e − μ_k)|². It was chosen when the mixture density was thought undefined (some stored
    /// scale factors have negative diagonals); <see cref="LogLikelihood"/> shows that it is not, but this score
    /// is kept because the plausibility percentiles in the documentation were computed with it.
    /// </summary>
    public override DataStatistic PlausibilityStatistic(float[] theta)
    {
        var noise = Noise.Value;
        return x =>
        {
            Span<float> joined = stackalloc float[DataLength];
            Unpermute(x, joined);
            double whitened = noise.MinimumWhitenedNorm(joined[(2 * Slcp.Draws)..]);
            const double df = DistractorNoise.DegreesOfFreedom;
            return Slcp.LogLikelihood(theta, joined[..(2 * Slcp.Draws)]) - (df + DistractorNoise.Dimension) / 2 * Math.Log(1 + whitened / df);
        };
    }

    /// <summary>
    /// log p(x | θ) = log p_slcp(s | θ) + log p_noise(e), where concat(s, e) is x with the permutation undone: the
    /// eight SLCP values s and the 92 distractors e are independent, and a permutation of coordinates has unit
    /// Jacobian, so the density of x is the product of <see cref="Slcp.LogLikelihood"/>'s normalised density and the
    /// distractor mixture's (<see cref="DistractorNoise.LogDensity"/>), which does not depend on θ. Normalised over
    /// x ∈ ℝ¹⁰⁰; NaN when x holds NaN.
    /// </summary>
    public double LogLikelihood(ReadOnlySpan<float> theta, ReadOnlySpan<float> x)
    {
        Span<float> joined = stackalloc float[DataLength];
        Unpermute(x, joined);
        return Slcp.LogLikelihood(theta, joined[..(2 * Slcp.Draws)]) + Noise.Value.LogDensity(joined[(2 * Slcp.Draws)..]);
    }

    /// <summary>
    /// slcp's log-likelihood of the eight embedded values alone: log p(x | θ) + c(x) with c(x) = −log p_noise(e), the
    /// distractors' log-density, which does not depend on θ. A posterior sampler thus skips the twenty 92-dimensional
    /// triangular solves of <see cref="DistractorNoise.LogDensity"/> at every step, and gets slcp's posterior, as sbibm
    /// intends (the reference samples are slcp's).
    /// </summary>
    /// <param name="theta">The 5 parameters.</param>
    /// <param name="x">The 100 permuted values.</param>
    double IUnnormalisedLikelihood.LogLikelihoodUpToData(ReadOnlySpan<float> theta, ReadOnlySpan<float> x)
    {
        Span<float> joined = stackalloc float[DataLength];
        Unpermute(x, joined);
        return Slcp.LogLikelihood(theta, joined[..(2 * Slcp.Draws)]);
    }

    /// <summary>Undoes the simulator's permutation: <paramref name="joined"/> = concat(slcp, noise) with joined[perm[j]] = x[j].</summary>
    private static void Unpermute(ReadOnlySpan<float> x, Span<float> joined)
    {
        var permutation = Noise.Value.Permutation;
        for (int j = 0; j < DataLength; j++) joined[permutation[j]] = x[j];
    }

    /// <summary>The noise mixture and permutation sbibm stores with the task.</summary>
    public static DistractorNoise NoiseModel => Noise.Value;

    private sealed class DistractorSimulator : ISimulator
    {
        public int ParameterDimension => 5;
        public int DataDimension => DataLength;

        public void Simulate(float[,] theta, float[,] x, Rng rng)
        {
            var noise = Noise.Value;
            Span<float> joined = stackalloc float[DataLength];
            for (int i = 0; i < theta.GetLength(0); i++)
            {
                Slcp.SimulateOne(theta.Row(i), joined[..(2 * Slcp.Draws)], rng);
                noise.Sample(joined[(2 * Slcp.Draws)..], rng);
                var row = x.Row(i);
                for (int j = 0; j < DataLength; j++) row[j] = joined[noise.Permutation[j]];
            }
        }
    }
}

/// <summary>
/// The distractor distribution of slcp_distractors: a uniform mixture of multivariate Student-t
/// distributions with location μ_k and scale factor L_k. L_k is used exactly as stored: its diagonal has
/// negative entries, so it is not a valid Cholesky factor, but sampling needs only L_k·y, and the density is
/// still defined (see <see cref="LogDensity"/>).
/// </summary>
public sealed class DistractorNoise
{
    /// <summary>Mixture components, each with weight 1/20.</summary>
    public const int Components = 20;

    /// <summary>Values per draw: the 92 distractors of x.</summary>
    public const int Dimension = 92;

    /// <summary>Degrees of freedom of every Student-t component; at 2 the variance is infinite.</summary>
    public const double DegreesOfFreedom = 2;

    private readonly double[,] _locations;   // Components × Dimension
    private readonly double[][,] _scaleTril; // Components of Dimension × Dimension, lower triangular

    /// <summary>log |det L_k| = Σᵢ log |(L_k)ᵢᵢ| per component, computed once.</summary>
    private readonly double[] _logDeterminants;

    /// <summary>
    /// log Γ((ν + d)/2) − log Γ(ν/2) − (d/2)·log(νπ) − log 20 for ν = 2, d = 92: the Student-t normalising constant
    /// shared by all components, with the uniform mixture weight.
    /// </summary>
    private static readonly double LogComponentConstant =
        RandomVariates.LogGamma((DegreesOfFreedom + Dimension) / 2) - RandomVariates.LogGamma(DegreesOfFreedom / 2)
        - Dimension / 2.0 * Math.Log(DegreesOfFreedom * Math.PI) - Math.Log(Components);

    private DistractorNoise(double[,] locations, double[][,] scaleTril, int[] permutation)
    {
        _locations = locations;
        _scaleTril = scaleTril;
        Permutation = permutation;
        _logDeterminants = new double[Components];
        for (int k = 0; k < Components; k++)
            for (int r = 0; r < Dimension; r++) _logDeterminants[k] += Math.Log(Math.Abs(scaleTril[k][r, r]));
    }

    /// <summary>0-based: output position j takes value perm[j] of concat(slcp, noise).</summary>
    public int[] Permutation { get; }

    /// <summary>Entry <paramref name="j"/> (0..91) of the location μ_k of component <paramref name="component"/> (0..19).</summary>
    public double Location(int component, int j) => _locations[component, j];

    /// <summary>
    /// Entry (<paramref name="row"/>, <paramref name="column"/>), both 0..91, of the lower-triangular scale factor L_k of
    /// component <paramref name="component"/> (0..19), exactly as stored; entries above the diagonal are 0.
    /// </summary>
    public double ScaleTril(int component, int row, int column) => _scaleTril[component][row, column];

    internal static DistractorNoise LoadEmbedded()
    {
        const string task = "slcp_distractors";
        var locations = EmbeddedData.ReadTable(task, "gmm_loc.csv");
        var stacked = EmbeddedData.ReadTable(task, "gmm_scale_tril.csv.gz");
        var perm = EmbeddedData.ReadTable(task, "permutation_idx.csv");
        if (locations.GetLength(0) != Components || locations.GetLength(1) != Dimension)
            throw new InvalidDataException($"gmm_loc.csv is {locations.GetLength(0)}×{locations.GetLength(1)}; expected {Components}×{Dimension}.");
        if (stacked.GetLength(0) != Components * Dimension || stacked.GetLength(1) != Dimension)
            throw new InvalidDataException($"gmm_scale_tril.csv is {stacked.GetLength(0)}×{stacked.GetLength(1)}; expected {Components * Dimension}×{Dimension}.");
        if (perm.GetLength(0) != SlcpDistractors.DataLength || perm.GetLength(1) != 1)
            throw new InvalidDataException($"permutation_idx.csv has {perm.GetLength(0)}×{perm.GetLength(1)} values; expected {SlcpDistractors.DataLength}.");
        var scaleTril = new double[Components][,];
        for (int c = 0; c < Components; c++)
        {
            scaleTril[c] = new double[Dimension, Dimension];
            for (int r = 0; r < Dimension; r++)
                for (int j = 0; j < Dimension; j++) scaleTril[c][r, j] = stacked[c * Dimension + r, j];
        }
        var permutation = new int[SlcpDistractors.DataLength];
        for (int j = 0; j < permutation.Length; j++) permutation[j] = (int)perm[j, 0];
        if (!permutation.Order().SequenceEqual(Enumerable.Range(0, permutation.Length)))
            throw new InvalidDataException("permutation_idx.csv is not a permutation of 0..99.");
        return new DistractorNoise(locations, scaleTril, permutation);
    }

    /// <summary>
    /// One draw: component k uniformly, z ~ N(0, I), w ~ χ²₂ shared by all coordinates,
    /// e = μ_k + L_k·z/√(w/df) (pyro's multivariate Student-t), computed in double and stored as float.
    /// </summary>
    public void Sample(Span<float> e, Rng rng)
    {
        int k = rng.NextInt(Components);
        Span<double> y = stackalloc double[Dimension];
        // χ²₂ is the exponential with mean 2, so w/df is a unit exponential.
        double scale = 1.0 / Math.Sqrt(2.0 * rng.Exponential() / DegreesOfFreedom);
        for (int j = 0; j < Dimension; j++) y[j] = rng.Normal() * scale;
        var l = _scaleTril[k];
        for (int r = 0; r < Dimension; r++)
        {
            double value = _locations[k, r];
            for (int j = 0; j <= r; j++) value += l[r, j] * y[j];
            e[r] = (float)value;
        }
    }

    /// <summary>
    /// The smallest over components of |L_k⁻¹(e − μ_k)|² (forward substitution): for a draw of component k
    /// that term is |z|²/(w/2), so the statistic separates real noise from anything else.
    /// </summary>
    public double MinimumWhitenedNorm(ReadOnlySpan<float> e)
    {
        double best = double.PositiveInfinity;
        Span<double> y = stackalloc double[Dimension];
        for (int k = 0; k < Components; k++) best = Math.Min(best, WhitenedNorm(k, e, y));
        return best;
    }

    /// <summary>
    /// The log-density of the 92 distractors <paramref name="e"/> under the mixture:
    /// log Σ_k (1/20)·t_ν(e; μ_k, L_k) with ν = 2, d = 92 and
    /// log t_ν(e; μ, L) = log Γ((ν + d)/2) − log Γ(ν/2) − (d/2)·log(νπ) − Σᵢ log |Lᵢᵢ| − ((ν + d)/2)·log(1 + |L⁻¹(e − μ)|²/ν),
    /// summed over components with log-sum-exp. NaN when e holds NaN.
    /// </summary>
    /// <remarks>
    /// The absolute values are what make this defined for the stored factors with negative diagonals. pyro's
    /// MultivariateStudentT.log_prob takes log Lᵢᵢ and so gives NaN for them, but the distribution sampled, that of
    /// μ + L·z/√(w/ν) with z ~ N(0, I), is unchanged when L is replaced by L·S for a diagonal S of signs (S·z has the
    /// law of z); with S chosen to make the diagonal positive, L·S is the Cholesky factor of the scale matrix L·Lᵀ,
    /// |det(L·S)| = Π |Lᵢᵢ| and |(L·S)⁻¹(e − μ)| = |L⁻¹(e − μ)|.
    /// <para>
    /// The stored factors are random triangular matrices with condition numbers of about 1e13 to 1e27, so at float32
    /// resolution each component is concentrated near a lower-dimensional set: rounding a draw to float32 (as the
    /// simulator and sbibm's stored observations do) moves it by about 1e−6, which is 1e9 or more in whitened units,
    /// and the log-density of stored data (about −2,012 for observation 1) reflects that rounding more than the draw.
    /// It is still the density at that point: forward substitution in double agrees with exact arithmetic to about
    /// 1e−6 relative in the whitened norm (3e−5 in this log-density at observation 1). None of it depends on θ.
    /// </para>
    /// </remarks>
    public double LogDensity(ReadOnlySpan<float> e)
    {
        Span<double> y = stackalloc double[Dimension];
        Span<double> terms = stackalloc double[Components];
        double max = double.NegativeInfinity;
        for (int k = 0; k < Components; k++)
        {
            terms[k] = -_logDeterminants[k] - (DegreesOfFreedom + Dimension) / 2 * double.LogP1(WhitenedNorm(k, e, y) / DegreesOfFreedom);
            if (double.IsNaN(terms[k])) return double.NaN;
            max = Math.Max(max, terms[k]);
        }
        // Every term is at most −log |det L_k|, so max is finite unless every whitened norm is infinite (e infinite).
        if (double.IsNegativeInfinity(max)) return max;
        double sum = 0;
        for (int k = 0; k < Components; k++) sum += Math.Exp(terms[k] - max);
        return LogComponentConstant + max + Math.Log(sum);
    }

    /// <summary>|L_k⁻¹(e − μ_k)|² by forward substitution, using <paramref name="y"/> (92 values) as scratch.</summary>
    private double WhitenedNorm(int k, ReadOnlySpan<float> e, Span<double> y)
    {
        var l = _scaleTril[k];
        double norm = 0;
        for (int r = 0; r < Dimension; r++)
        {
            double sum = e[r] - _locations[k, r];
            for (int j = 0; j < r; j++) sum -= l[r, j] * y[j];
            y[r] = sum / l[r, r];
            norm += y[r] * y[r];
        }
        return norm;
    }
}
