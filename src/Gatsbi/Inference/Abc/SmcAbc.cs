using System.Diagnostics;
using System.Globalization;
using Gatsbi.Distributions;
using Gatsbi.Numerics;
using Gatsbi.Posteriors;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Inference.Abc;

/// <summary>
/// Sequential Monte Carlo ABC as the sbibm paper ran it: sbi 0.14.2's SMCABC, variant C of Beaumont et al.
/// (2009), with sbibm 1.0's settings (<see cref="SmcAbcOptions"/>).
/// <list type="number">
/// <item>Population 0: simulate N₀ prior draws and keep the P closest with equal weights; ε₀ is the largest
/// kept distance. Failed simulations are infinitely far, and fewer than P finite ones is an error (sbi would
/// carry on with ε₀ = 10⁸ and particles whose x failed).</item>
/// <item>While simulations remain: ε_t by the distance-mass rule (<see cref="SmcAbcOptions.EpsilonDecay"/>);
/// a Gaussian kernel with 0.5 × the previous population's weighted covariance (0.5·I if that is not positive
/// definite); candidates are previous particles picked by weight and perturbed, redrawn until inside the prior
/// support (redraws cost no simulation); a candidate is accepted when its distance is ≤ ε_t and weighted
/// p(θ*) / Σⱼ wⱼ N(θ*; θⱼ, Σ_t). When the budget ends first, the population is filled with the closest
/// particles of the previous one and all its weights are recomputed by the same formula.</item>
/// <item>The last population, sorted by distance, gets a KDE whose bandwidth is cross-validated without
/// weights and which is then fitted and sampled with the importance weights.</item>
/// </list>
/// Exactly the budget is simulated. Every random stream derives from the seed (population t, batch k), so the
/// result does not depend on the thread count. Effective-sample-size resampling (off in the paper) and sbi's
/// linear regression adjustment (LRA) and semi-automatic summary statistics (SASS) are not implemented: the
/// paper ran without them.
/// </summary>
public sealed class SmcAbc(SmcAbcOptions? options = null, SimulationRunner? runner = null)
{
    /// <summary>Perturbations tried per needed candidate before giving up on landing inside the prior support.</summary>
    private const int MaxProposalsPerCandidate = 10_000;

    private readonly SimulationRunner _runner = runner ?? new SimulationRunner();

    /// <summary>The settings in use (the defaults when none were given), checked when the instance was created.</summary>
    /// <exception cref="ArgumentException">
    /// Thrown on construction when <see cref="SmcAbcOptions.PopulationSize"/> is below <see cref="KdeBandwidthSearch.Folds"/>,
    /// <see cref="SmcAbcOptions.InitialRoundFactor"/> is below 1, <see cref="SmcAbcOptions.EpsilonDecay"/> lies outside
    /// (0, 1], or <see cref="SmcAbcOptions.KernelVarianceScale"/> is not positive and finite.
    /// </exception>
    public SmcAbcOptions Options { get; } = Checked(options ?? new SmcAbcOptions());

    /// <summary>
    /// Runs SMC-ABC with exactly <paramref name="budget"/> simulations. The prior must have a density
    /// (<see cref="IDensity"/>) for the importance weights; a prior without one but with finite
    /// <see cref="IPrior.Support"/> bounds is taken as uniform on that box. The same seed gives the same result
    /// whatever the thread count of the runner.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The prior, simulator and observation disagree on dimensions, the observation is not finite, the prior has
    /// neither a density nor finite support bounds, or <paramref name="budget"/> is smaller than one population.
    /// </exception>
    /// <exception cref="InvalidOperationException">
    /// Fewer prior simulations than one population gave finite x, or perturbed particles almost never land
    /// inside the prior support (fewer than 1 in 10 000).
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public AbcResult Run(IPrior prior, ISimulator simulator, float[] observation, int budget, ulong seed,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        ObservationChecks.RequireProblem(prior, simulator, observation);
        var priorDensity = PriorDensity(prior);
        int size = Options.PopulationSize ?? DefaultPopulationSize(budget);
        if (budget < size)
            throw new ArgumentException($"The budget of {budget} simulations is smaller than one SMC-ABC population of {size} particles.");
        int initial = InitialRoundSize(size, budget, Options.InitialRoundFactor);

        var theta = prior.Sample(initial, new Rng(Seeds.Derive(seed, Seeds.Streams.Prior)));
        var x = AbcRun.Simulate(_runner, simulator, theta, seed, progress, 0, budget, "population 0 (prior)", cancellation);
        var distances = Options.Distance.ToObservation(x, observation);
        var kept = AbcRun.Closest(distances, size);
        var population = new Population(theta.SelectRows(kept), [.. kept.Select(i => distances[i])],
            Enumerable.Repeat(-Math.Log(size), size).ToArray());
        var epsilons = new List<double> { population.Distances[^1] };

        var sampler = new PopulationSampler(this, priorDensity, simulator, observation, budget, seed, progress, cancellation) { Used = initial };
        int carriedOver = 0;
        for (int t = 1; sampler.Used < budget; t++)
        {
            double epsilon = NextEpsilon(population.Distances, Options.EpsilonDecay);
            var (next, carried) = sampler.Next(population, epsilon, t);
            if (next is null) break;
            (population, carriedOver) = (next, carried);
            epsilons.Add(epsilon);
        }

        var weights = population.LogWeights.Select(Math.Exp).ToArray();
        var kde = GaussianKde.FitCrossValidated(AbcRun.ToDouble(population.Theta), Options.KdeWeighted ? weights : null);
        var posterior = new AbcPosterior(observation, population.Theta, weights, kde);
        return new AbcResult(posterior, population.Theta, weights, population.Distances, sampler.Used, epsilons.Count,
            epsilons, carriedOver, clock.Elapsed);
    }

    /// <summary>sbibm's population size when none is given: 100 up to 10 000 simulations, 1 000 above.</summary>
    internal static int DefaultPopulationSize(int budget) => budget <= 10_000 ? 100 : 1_000;

    /// <summary>N₀ = clip(factor·P, P, max(budget/2, P)), truncated to an integer, as sbibm's <c>clip_int</c>.</summary>
    internal static int InitialRoundSize(int populationSize, int budget, int factor) =>
        (int)Math.Clamp((double)factor * populationSize, populationSize, Math.Max(0.5 * budget, populationSize));

    /// <summary>
    /// The next tolerance: sort the unique distances d₁ &lt; … &lt; d_m, form c_k = Σ_{i≤k} dᵢ / Σ dᵢ and take
    /// the first d_k with c_k ≥ <paramref name="decay"/>; when none qualifies (all distances zero), sbi falls
    /// back to the largest.
    /// </summary>
    internal static double NextEpsilon(IReadOnlyList<double> distances, double decay)
    {
        var unique = distances.Distinct().Order().ToArray();
        double total = unique.Sum(), cumulative = 0;
        foreach (double d in unique)
        {
            cumulative += d;
            if (cumulative / total >= decay) return d;
        }
        return unique[^1];
    }

    /// <summary>
    /// N(0, scale·Cov_w), or N(0, scale·I) when scale·Cov_w has no Cholesky factor (a collapsed or degenerate
    /// population), as sbi falls back.
    /// </summary>
    internal static MultivariateNormal PerturbationKernel(float[,] theta, IReadOnlyList<double> weights, double scale)
    {
        int d = theta.GetLength(1);
        var covariance = SampleCovariance.Weighted(theta, weights);
        bool finite = true;
        for (int j = 0; j < d; j++)
            for (int k = 0; k < d; k++)
            {
                covariance[j, k] *= scale;
                finite &= double.IsFinite(covariance[j, k]);
            }
        if (finite)
        {
            try
            {
                return new MultivariateNormal(new double[d], covariance);
            }
            catch (ArgumentException)
            {
                // Not positive definite: fall through to the isotropic kernel.
            }
        }
        return MultivariateNormal.Isotropic(new double[d], scale);
    }

    /// <summary>
    /// Beaumont et al.'s importance log-weight of a new particle: log p(θ*) − log Σⱼ wⱼ N(θ*; θⱼ, Σ), the sum
    /// running over the whole previous population (θⱼ with normalised log-weights).
    /// </summary>
    internal static double LogImportanceWeight(ReadOnlySpan<float> candidate, float[,] previousTheta, IReadOnlyList<double> previousLogWeights,
        MultivariateNormal kernel, IDensity prior)
    {
        Span<float> offset = stackalloc float[candidate.Length];
        var mixture = new LogSumExp();
        for (int j = 0; j < previousTheta.GetLength(0); j++)
        {
            for (int k = 0; k < candidate.Length; k++) offset[k] = (float)((double)candidate[k] - previousTheta[j, k]);
            mixture.Add(previousLogWeights[j] + kernel.LogDensity(offset));
        }
        return prior.LogDensity(candidate) - mixture.Value;
    }

    private static IDensity PriorDensity(IPrior prior)
    {
        if (prior is IDensity density) return density;
        if (prior.Support is { } box && box.Low.All(float.IsFinite) && box.High.All(float.IsFinite)) return new UniformBox(box);
        throw new ArgumentException($"SMC-ABC weighs its particles by the prior density, but the prior ({prior.GetType().Name}) has none: give a prior that implements IDensity, or one with finite Support bounds (taken as uniform on that box).");
    }

    private static SmcAbcOptions Checked(SmcAbcOptions options)
    {
        if (options.PopulationSize is { } size && size < KdeBandwidthSearch.Folds)
            throw new ArgumentException($"SmcAbcOptions.PopulationSize is {size}; the final KDE's bandwidth is cross-validated over {KdeBandwidthSearch.Folds} folds, so it needs at least {KdeBandwidthSearch.Folds} particles.");
        if (options.InitialRoundFactor < 1)
            throw new ArgumentException($"SmcAbcOptions.InitialRoundFactor must be at least 1; got {options.InitialRoundFactor}.");
        if (!(options.EpsilonDecay > 0 && options.EpsilonDecay <= 1))
            throw new ArgumentException($"SmcAbcOptions.EpsilonDecay must lie in (0, 1]; got {options.EpsilonDecay}.");
        if (!(double.IsFinite(options.KernelVarianceScale) && options.KernelVarianceScale > 0))
            throw new ArgumentException($"SmcAbcOptions.KernelVarianceScale must be positive and finite; got {options.KernelVarianceScale}.");
        return options;
    }

    /// <summary>A population: particles sorted by increasing distance, with normalised log-weights.</summary>
    private sealed record Population(float[,] Theta, double[] Distances, double[] LogWeights)
    {
        public int Count => Distances.Length;
    }

    /// <summary>A prior known only by finite box bounds, taken as uniform on the box.</summary>
    private sealed class UniformBox(Support box) : IDensity
    {
        private readonly double _logDensity = -Enumerable.Range(0, box.Dimension).Sum(j => Math.Log((double)box.High[j] - box.Low[j]));

        public double LogDensity(ReadOnlySpan<float> theta) => box.Contains(theta) ? _logDensity : double.NegativeInfinity;
    }

    /// <summary>Builds populations after the first, counting simulations against the budget.</summary>
    private sealed class PopulationSampler(SmcAbc owner, IDensity prior, ISimulator simulator, float[] observation, int budget, ulong seed,
        IProgress<WorkProgress>? progress, CancellationToken cancellation)
    {
        public int Used { get; set; }

        /// <summary>
        /// Population <paramref name="index"/> under tolerance <paramref name="epsilon"/>, and how many of its
        /// particles were carried over from <paramref name="previous"/>; null when the budget ran out and the
        /// options say to discard an incomplete population.
        /// </summary>
        public (Population? Next, int CarriedOver) Next(Population previous, double epsilon, int index)
        {
            var options = owner.Options;
            int size = previous.Count;
            ulong populationSeed = Seeds.Derive(seed, Seeds.Streams.Abc, (ulong)index);
            var rng = new Rng(populationSeed);
            var weights = previous.LogWeights.Select(Math.Exp).ToArray();
            var kernel = PerturbationKernel(previous.Theta, weights, options.KernelVarianceScale);
            var picker = new WeightedPicker(size, weights);
            string status = string.Create(CultureInfo.InvariantCulture, $"population {index}, ε = {epsilon:G4}");

            var theta = new List<float[]>(size);
            var distances = new List<double>(size);
            int carried = 0;
            for (int batch = 0; ; batch++)
            {
                cancellation.ThrowIfCancellationRequested();
                int count = Math.Min(size - theta.Count, budget - Used);
                var candidates = Propose(count, previous, kernel, picker, rng, index);
                var x = AbcRun.Simulate(owner._runner, simulator, candidates, Seeds.Derive(populationSeed, Seeds.Streams.Simulation, (ulong)batch),
                    progress, Used, budget, status, cancellation);
                Used += count;
                var candidateDistances = options.Distance.ToObservation(x, observation);
                for (int i = 0; i < count; i++)
                {
                    if (!(candidateDistances[i] <= epsilon)) continue;
                    theta.Add(candidates.Row(i).ToArray());
                    distances.Add(candidateDistances[i]);
                }
                if (theta.Count == size) break;
                if (Used < budget) continue;
                if (!options.UseLastPopulationSamples) return (null, 0);
                carried = size - theta.Count;
                for (int i = 0; i < carried; i++)
                {
                    theta.Add(previous.Theta.Row(i).ToArray());
                    distances.Add(previous.Distances[i]);
                }
                break;
            }

            var logWeights = theta.Select(t => LogImportanceWeight(t, previous.Theta, previous.LogWeights, kernel, prior)).ToArray();
            var total = new LogSumExp();
            foreach (double w in logWeights) total.Add(w);
            var order = AbcRun.OrderByDistance(distances);
            var next = new Population(
                Matrices.FromRows(order.Select(i => theta[i]).ToArray(), simulator.ParameterDimension),
                [.. order.Select(i => distances[i])],
                [.. order.Select(i => logWeights[i] - total.Value)]);
            return (next, carried);
        }

        /// <summary>
        /// <paramref name="count"/> perturbed particles inside the prior support; proposals outside are redrawn
        /// (particle and perturbation both) and cost no simulation.
        /// </summary>
        private float[,] Propose(int count, Population previous, MultivariateNormal kernel, WeightedPicker picker, Rng rng, int index)
        {
            int d = previous.Theta.GetLength(1);
            var candidates = new float[count, d];
            int filled = 0;
            long proposals = 0;
            while (filled < count)
            {
                if (proposals > (long)MaxProposalsPerCandidate * count)
                    throw new InvalidOperationException($"SMC-ABC population {index}: fewer than 1 in {MaxProposalsPerCandidate} perturbed particles fell inside the prior support, so the population cannot be filled.");
                int missing = count - filled;
                var offsets = kernel.Sample(missing, rng);
                proposals += missing;
                for (int i = 0; i < missing; i++)
                {
                    int parent = picker.Pick(rng);
                    var row = candidates.Row(filled);
                    for (int k = 0; k < d; k++) row[k] = (float)((double)previous.Theta[parent, k] + offsets[i, k]);
                    if (double.IsFinite(prior.LogDensity(row))) filled++;
                }
            }
            return candidates;
        }
    }
}
