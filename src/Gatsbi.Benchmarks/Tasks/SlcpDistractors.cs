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
public sealed class SlcpDistractors : BenchmarkTask
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
    /// δ² = min_k |L_k⁻¹(e − μ_k)|². (The mixture density itself is undefined: some stored scale
    /// factors have negative diagonals.)
    /// </summary>
    public override DataStatistic PlausibilityStatistic(float[] theta)
    {
        var noise = Noise.Value;
        return x =>
        {
            Span<float> joined = stackalloc float[DataLength];
            for (int j = 0; j < DataLength; j++) joined[noise.Permutation[j]] = x[j];
            double whitened = noise.MinimumWhitenedNorm(joined[(2 * Slcp.Draws)..]);
            const double df = DistractorNoise.DegreesOfFreedom;
            return Slcp.LogLikelihood(theta, joined[..(2 * Slcp.Draws)]) - (df + DistractorNoise.Dimension) / 2 * Math.Log(1 + whitened / df);
        };
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
/// negative entries, so it is not a valid Cholesky factor, but sampling needs only L_k·y.
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

    private DistractorNoise(double[,] locations, double[][,] scaleTril, int[] permutation)
    {
        _locations = locations;
        _scaleTril = scaleTril;
        Permutation = permutation;
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
        for (int k = 0; k < Components; k++)
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
            best = Math.Min(best, norm);
        }
        return best;
    }
}
