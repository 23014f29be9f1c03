using System.Diagnostics;
using Gatsbi.Distributions;
using Gatsbi.Inference.Mcmc;
using Gatsbi.Inference.Npe;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Inference.Reference;

/// <summary>log p(x_o | θ) up to a constant in θ, for one fixed observation; −∞ where x_o is impossible, never NaN. Called from several threads at once.</summary>
public delegate double LogLikelihoodFunction(ReadOnlySpan<float> theta);

/// <summary>The samples of a <see cref="ReferenceSampler"/> run and what each of its three stages did and cost.</summary>
/// <param name="Samples">Independent draws from the exact posterior, <see cref="ReferenceSamplerOptions.Samples"/> × dimension, in the order accepted.</param>
/// <param name="Mcmc">The slice-sampling stage; its samples are in the unbounded space.</param>
/// <param name="ChainsKept">Chains whose draws the flow was fitted to: those not stuck far below the best chain's log-density.</param>
/// <param name="Flow">The flow fitted to the MCMC draws: its epochs, best epoch and training time.</param>
/// <param name="LogBound">log M of the final rejection pass: the bound on log(posterior / proposal), factor included.</param>
/// <param name="SearchEvaluations">Likelihood evaluations spent searching for the bound.</param>
/// <param name="Proposed">Proposals drawn in the final rejection pass.</param>
/// <param name="Restarts">Rejection passes restarted because a proposal's ratio exceeded the bound.</param>
/// <param name="RejectionEvaluations">Likelihood evaluations of rejection sampling, restarted passes included.</param>
/// <param name="SearchElapsed">Wall-clock time of the search for the bound.</param>
/// <param name="RejectionElapsed">Wall-clock time of rejection sampling.</param>
public sealed record ReferenceSamplerResult(
    float[,] Samples,
    SliceSamplerResult Mcmc,
    int ChainsKept,
    NpeRunSummary Flow,
    double LogBound,
    long SearchEvaluations,
    long Proposed,
    int Restarts,
    long RejectionEvaluations,
    TimeSpan SearchElapsed,
    TimeSpan RejectionElapsed)
{
    /// <summary>Accepted share of the final pass's proposals: 1 / (M·(1 − prior mass lost)) for a bound M of the density ratio.</summary>
    public double AcceptanceRate => Samples.GetLength(0) / (double)Proposed;

    /// <summary>Wall-clock time of all three stages.</summary>
    public TimeSpan Elapsed => Mcmc.Elapsed + Flow.Elapsed + SearchElapsed + RejectionElapsed;

    /// <summary>Likelihood evaluations of all three stages.</summary>
    public long LikelihoodEvaluations => Mcmc.Evaluations + SearchEvaluations + RejectionEvaluations;
}

/// <summary>How the proposal flow's training went.</summary>
/// <param name="Epochs">Epochs trained.</param>
/// <param name="BestEpoch">The epoch whose weights the proposal uses.</param>
/// <param name="ValidationLogProb">Mean log-density of the held-out MCMC draws under the flow at that epoch, in the unbounded space.</param>
/// <param name="Elapsed">Wall-clock time of training.</param>
public sealed record NpeRunSummary(int Epochs, int BestEpoch, double ValidationLogProb, TimeSpan Elapsed);

/// <summary>
/// Exact samples from a posterior p(θ | x_o) ∝ p(θ)·p(x_o | θ) whose prior density and likelihood are known, made
/// the way sbibm made its reference posteriors (sbibm/tasks/sir/task.py, sbibm/algorithms/pytorch/baseline_rejection.py
/// and sbibm/algorithms/pytorch/utils/proposal.py of github.com/sbi-benchmark/sbibm), in three stages, all in the
/// prior's unbounded space (<see cref="SupportBijection"/>):
/// <list type="number">
/// <item>slice-sampling MCMC (<see cref="SliceSampler"/>), one chain started at a point of high posterior density
/// such as the true parameters, the others at prior draws resampled by their likelihood, leaving out chains stuck
/// where the posterior has negligible mass;</item>
/// <item>a neural spline flow fitted to the MCMC draws and mixed into a defensive proposal
/// q = 0.8·flow + 0.1·t + 0.1·prior, where t is a Student-t at the draws' mean and covariance (sbibm: 0.9·flow +
/// 0.1·prior);</item>
/// <item>rejection sampling from q against the posterior, with the bound M on p̃/q taken from the largest ratio
/// found at the MCMC draws and at batches of proposals, times 1.2.</item>
/// </list>
/// The MCMC and the flow only shape the proposal: the samples are exact whatever their quality, as long as the
/// bound holds, and the sampler checks it on every proposal (a ratio above M restarts rejection sampling with
/// the larger bound). A flow that misses part of the posterior costs acceptance, not correctness, because the
/// prior component covers it. The same seed, inputs and thread count give the same samples on the same machine.
/// </summary>
public sealed class ReferenceSampler(ReferenceSamplerOptions options)
{
    /// <summary>The settings of every run; validated at the start of each.</summary>
    public ReferenceSamplerOptions Options { get; } = options;

    /// <summary>Draws <see cref="ReferenceSamplerOptions.Samples"/> exact posterior samples.</summary>
    /// <param name="prior">The prior: its draws feed the proposal's defensive component, its density the posterior.</param>
    /// <param name="logLikelihood">log p(x_o | θ) up to a constant in θ; thread-safe.</param>
    /// <param name="start">Where the MCMC chains start, inside the prior's support and of positive posterior density (sbibm: the true parameters).</param>
    /// <param name="seed">Root seed of every random choice.</param>
    /// <param name="progress">Work done in the current stage, with the stage's name as status; may be null.</param>
    /// <param name="cancellation">Checked between sweeps, epochs and batches.</param>
    /// <exception cref="ArgumentException">An option is invalid, the prior has no density, or <paramref name="start"/> has the wrong length, lies outside the support or has zero posterior density.</exception>
    /// <exception cref="InvalidOperationException">The likelihood returned NaN, or the bound was exceeded more than <see cref="ReferenceSamplerOptions.MaxRestarts"/> times.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public ReferenceSamplerResult Sample(IPrior prior, LogLikelihoodFunction logLikelihood, ReadOnlySpan<float> start, ulong seed,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellation = default)
    {
        Options.Validate();
        if (prior is not IDensity density)
            throw new ArgumentException($"The prior ({prior.GetType().Name}) has no density; exact posterior samples need log p(θ).", nameof(prior));
        if (start.Length != prior.Dimension)
            throw new ArgumentException($"The start point has {start.Length} values; the prior has dimension {prior.Dimension}.", nameof(start));
        var target = new UnboundedPosterior(prior, density, logLikelihood);
        var startU = new double[prior.Dimension];
        target.Bijection.ToUnbounded(start.ToArray().Select(v => (double)v).ToArray(), startU);
        if (startU.Any(v => !double.IsFinite(v)))
            throw new ArgumentException($"The start point ({string.Join(", ", start.ToArray())}) lies on or outside the prior's support; chains must start inside it.", nameof(start));

        var starts = ChainStarts(target, startU, seed, progress, cancellation);
        var mcmc = new SliceSampler(Options.Mcmc).Sample(target.LogDensity, starts, Options.McmcSamples, Seeds.Derive(seed, Seeds.Streams.Mcmc),
            Stage(progress, "MCMC"), cancellation);
        var (draws, chainsKept) = UnstuckDraws(mcmc);

        using var flow = FitFlow(draws, seed, progress, cancellation);
        var studentT = Options.StudentTWeight > 0 ? new StudentTProposal(draws) : null;
        var proposal = new MixtureProposal(flow.Posterior, studentT, Options.StudentTWeight, target, Options.PriorWeight);
        var evaluator = new RatioEvaluator(target, proposal, Options.MaxThreads);

        var clock = Stopwatch.StartNew();
        var (maxLogRatio, searchEvaluations) = SearchBound(draws, evaluator, proposal, seed, progress, cancellation);
        var searchElapsed = clock.Elapsed;

        clock.Restart();
        var rejection = Reject(maxLogRatio + Math.Log(Options.BoundFactor), target, evaluator, proposal, seed, progress, cancellation);
        var summary = new NpeRunSummary(flow.Epochs, flow.BestEpoch, flow.Log[flow.BestEpoch - 1].ValidationLogProb, flow.Elapsed);
        return new ReferenceSamplerResult(rejection.Samples, mcmc, chainsKept, summary, rejection.LogBound, searchEvaluations, rejection.Proposed,
            rejection.Restarts, rejection.Evaluations, searchElapsed, clock.Elapsed);
    }

    /// <summary>
    /// The first chain's start is the given point; the others are prior draws resampled in proportion to their
    /// likelihood (all at the given point when <see cref="ReferenceSamplerOptions.StartDraws"/> is 0 or no draw has
    /// a positive likelihood).
    /// </summary>
    private double[][] ChainStarts(UnboundedPosterior target, double[] start, ulong seed, IProgress<WorkProgress>? progress, CancellationToken cancellation)
    {
        var starts = new double[Options.Mcmc.Chains][];
        starts[0] = start;
        var rng = new Rng(Seeds.Derive(seed, Seeds.Streams.Prior));
        var candidates = target.ToUnbounded(target.Prior.Sample(Options.StartDraws, rng));
        var logWeights = new double[Options.StartDraws];
        var stage = Stage(progress, "choosing chain starts");
        long done = 0;
        ParallelLoop.For(0, Options.StartDraws, Options.MaxThreads, i =>
        {
            Span<double> u = stackalloc double[target.Dimension];
            for (int j = 0; j < u.Length; j++) u[j] = candidates[i, j];
            // The posterior over the prior's density in u is the likelihood: the resampling weight. A draw on a
            // bound of the support maps to ±∞ and cannot start a chain.
            Span<float> theta = stackalloc float[target.Dimension];
            double logPrior = candidates.RowIsFinite(i) ? target.LogPrior(u, theta) : double.NegativeInfinity;
            logWeights[i] = double.IsNegativeInfinity(logPrior) ? logPrior : target.LogDensity(u) - logPrior;
            long n = Interlocked.Increment(ref done);
            if (n % 1_000 == 0) stage?.Report(new WorkProgress(n, Options.StartDraws));
        }, cancellation);
        double max = logWeights.Length == 0 ? double.NegativeInfinity : logWeights.Max();
        var cumulative = new double[logWeights.Length];
        double total = 0;
        for (int i = 0; i < logWeights.Length; i++) cumulative[i] = total += double.IsFinite(max) ? Math.Exp(logWeights[i] - max) : 0;
        for (int c = 1; c < starts.Length; c++)
        {
            if (!(total > 0))
            {
                starts[c] = start;
                continue;
            }
            int pick = Array.BinarySearch(cumulative, rng.NextDouble() * total);
            pick = pick < 0 ? ~pick : pick;
            starts[c] = Enumerable.Range(0, target.Dimension).Select(j => (double)candidates[Math.Min(pick, cumulative.Length - 1), j]).ToArray();
        }
        return starts;
    }

    /// <summary>The MCMC draws of every chain whose mean log-density is within <see cref="ReferenceSamplerOptions.StuckChainGap"/> of the best chain's.</summary>
    private (float[,] Draws, int ChainsKept) UnstuckDraws(SliceSamplerResult mcmc)
    {
        double best = mcmc.ChainMeanLogDensity.Max();
        var rows = new List<int>();
        int first = 0, kept = 0;
        for (int c = 0; c < mcmc.ChainDraws.Length; c++)
        {
            if (mcmc.ChainMeanLogDensity[c] >= best - Options.StuckChainGap)
            {
                rows.AddRange(Enumerable.Range(first, mcmc.ChainDraws[c]));
                kept++;
            }
            first += mcmc.ChainDraws[c];
        }
        return (mcmc.Samples.SelectRows(rows), kept);
    }

    /// <summary>The flow, fitted to the MCMC draws as NPE fits q(θ | x) with x the same constant for every draw: a plain density estimate.</summary>
    private NpeResult FitFlow(float[,] draws, ulong seed, IProgress<WorkProgress>? progress, CancellationToken cancellation)
    {
        var constant = new float[draws.GetLength(0), 1];
        return new NpeTrainer(Options.Flow).Train(new SimulationSet(draws, constant), support: null, Seeds.Derive(seed, Seeds.Streams.Networks),
            TrainingAsWork.Of(Stage(progress, "fitting the proposal flow")), cancellation);
    }

    /// <summary>
    /// The largest log(p̃/q) at the MCMC draws (where the posterior is) and at batches of proposals, until
    /// <see cref="ReferenceSamplerOptions.SearchPatience"/> batches in a row find nothing larger.
    /// </summary>
    private (double MaxLogRatio, long Evaluations) SearchBound(float[,] mcmcDraws, RatioEvaluator evaluator, MixtureProposal proposal, ulong seed,
        IProgress<WorkProgress>? progress, CancellationToken cancellation)
    {
        var stage = Stage(progress, "searching the bound");
        double max = evaluator.LogRatios(mcmcDraws).Max();
        long evaluations = mcmcDraws.GetLength(0);
        int fruitless = 0;
        for (ulong batch = 0; fruitless < Options.SearchPatience; batch++)
        {
            cancellation.ThrowIfCancellationRequested();
            var draws = proposal.Sample(Options.BatchSize, Seeds.Derive(seed, Seeds.Streams.Sampling, 2 * batch));
            double batchMax = evaluator.LogRatios(draws).Max();
            evaluations += Options.BatchSize;
            if (batchMax > max) (max, fruitless) = (batchMax, 0);
            else fruitless++;
            stage?.Report(new WorkProgress(fruitless, Options.SearchPatience));
        }
        if (!double.IsFinite(max))
            throw new InvalidOperationException($"No proposal had a finite posterior-to-proposal ratio (largest log-ratio {max}); the posterior density is zero everywhere the proposal looked.");
        return (max, evaluations);
    }

    private sealed record RejectionPass(float[,] Samples, double LogBound, long Proposed, int Restarts, long Evaluations);

    /// <summary>
    /// Accepts each proposal u with probability p̃(u)/(M·q(u)) until enough are accepted. A ratio above M means
    /// the bound was wrong, so the draws accepted so far are biased: they are dropped and the pass starts over
    /// with M raised to that ratio times the factor.
    /// </summary>
    private RejectionPass Reject(double logBound, UnboundedPosterior target, RatioEvaluator evaluator, MixtureProposal proposal, ulong seed,
        IProgress<WorkProgress>? progress, CancellationToken cancellation)
    {
        var stage = Stage(progress, "rejection sampling");
        var rng = new Rng(Seeds.Derive(seed, Seeds.Streams.Sampling, ulong.MaxValue));
        var accepted = new List<float[]>(Options.Samples);
        long proposed = 0, evaluations = 0;
        int restarts = 0;
        for (ulong batch = 0; accepted.Count < Options.Samples; batch++)
        {
            cancellation.ThrowIfCancellationRequested();
            var draws = proposal.Sample(Options.BatchSize, Seeds.Derive(seed, Seeds.Streams.Sampling, 2 * batch + 1));
            var logRatios = evaluator.LogRatios(draws);
            evaluations += Options.BatchSize;
            double batchMax = logRatios.Max();
            if (batchMax > logBound)
            {
                if (++restarts > Options.MaxRestarts)
                    throw new InvalidOperationException($"The density ratio exceeded the rejection bound {restarts} times (last log-ratio {batchMax:G6} over log M {logBound:G6}); the proposal does not cover the posterior's tails. Fit the flow to more MCMC draws or raise the prior weight.");
                logBound = batchMax + Math.Log(Options.BoundFactor);
                accepted.Clear();
                proposed = 0;
                continue;
            }
            for (int i = 0; i < logRatios.Length && accepted.Count < Options.Samples; i++)
            {
                proposed++;
                if (Math.Log(rng.NextDouble()) < logRatios[i] - logBound)
                    accepted.Add(target.ToParameters(draws.Row(i)));
            }
            stage?.Report(new WorkProgress(accepted.Count, Options.Samples));
        }
        return new RejectionPass(Matrices.FromRows(accepted, proposal.Dimension), logBound, proposed, restarts, evaluations);
    }

    private static IProgress<WorkProgress>? Stage(IProgress<WorkProgress>? progress, string name) =>
        progress is null ? null : new StageProgress(progress, name);

    /// <summary>Names the stage in every report, synchronously on the caller's thread (unlike <see cref="Progress{T}"/>, which posts to a captured context).</summary>
    private sealed class StageProgress(IProgress<WorkProgress> inner, string name) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => inner.Report(value with { Status = name });
    }
}
