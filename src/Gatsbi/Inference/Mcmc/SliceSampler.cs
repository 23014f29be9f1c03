using System.Diagnostics;
using Gatsbi.Randomness;

namespace Gatsbi.Inference.Mcmc;

/// <summary>A log-density up to an additive constant: −∞ where the density is zero, never NaN.</summary>
/// <param name="point">The point to evaluate; the sampler reuses the buffer, so do not keep it.</param>
public delegate double LogDensityFunction(ReadOnlySpan<double> point);

/// <summary>The draws of a <see cref="SliceSampler"/> run and what they cost.</summary>
/// <param name="Samples">The kept draws, count × dimension: chain 0's in order, then chain 1's, and so on.</param>
/// <param name="Widths">Each coordinate's bracket width after warm-up, averaged over the chains.</param>
/// <param name="Evaluations">Calls of the log-density over all chains, warm-up included.</param>
/// <param name="Elapsed">Wall-clock time of the run.</param>
/// <param name="ChainDraws">Kept draws per chain, in the order of <paramref name="Samples"/>.</param>
/// <param name="ChainMeanLogDensity">
/// Each chain's mean log-density over its kept draws: a chain far below the others is stuck in a region of
/// negligible mass (a local mode), which comparing these values shows.
/// </param>
public sealed record SliceSamplerResult(float[,] Samples, double[] Widths, long Evaluations, TimeSpan Elapsed, int[] ChainDraws, double[] ChainMeanLogDensity)
{
    /// <summary>Log-density calls per kept draw: the sampler's cost in units of the user's density.</summary>
    public double EvaluationsPerSample => Evaluations / (double)Samples.GetLength(0);
}

/// <summary>
/// Slice sampling (Neal 2003, "Slice sampling", Annals of Statistics 31(3)) of any log-density the user writes:
/// each sweep updates every coordinate once, in a random order, by the univariate slice sampler with stepping
/// out and shrinkage, so every update leaves the target invariant whatever the bracket width. During warm-up
/// each coordinate's width is set to the running mean of the brackets its accepted points were drawn from
/// (after shrinkage, as PyMC's slice sampler tunes it), so that later sweeps need few evaluations. Chains run in parallel, each with its own
/// random stream derived from the seed and the chain index: the same seed gives the same draws whatever the
/// number of threads.
/// </summary>
public sealed class SliceSampler(SliceSamplerOptions options)
{
    /// <summary>The settings of every run; validated at the start of each.</summary>
    public SliceSamplerOptions Options { get; } = options;

    /// <summary>
    /// Draws <paramref name="count"/> samples from the density proportional to exp(<paramref name="logDensity"/>),
    /// starting every chain at <paramref name="start"/> (sbibm starts at the true parameters). Only draws after
    /// <see cref="SliceSamplerOptions.WarmupSweeps"/> are kept, every <see cref="SliceSamplerOptions.Thin"/>-th sweep.
    /// </summary>
    /// <param name="logDensity">The target's log-density up to a constant; called from several threads at once.</param>
    /// <param name="start">Where the chains start; the density must be positive there.</param>
    /// <param name="count">Draws to return, split evenly over the chains (at most one chain per draw).</param>
    /// <param name="seed">Root seed of every chain's random stream.</param>
    /// <param name="progress">Sweeps done out of all chains' sweeps; may be null.</param>
    /// <param name="cancellation">Checked between sweeps.</param>
    /// <exception cref="ArgumentException">An option is invalid, <paramref name="count"/> is not positive, <paramref name="start"/>
    /// is empty or not finite, or the density is zero or NaN at the start.</exception>
    /// <exception cref="InvalidOperationException">The log-density returned NaN, or a bracket stepped out
    /// <see cref="SliceSamplerOptions.MaxStepsOut"/> times (a density that does not fall off).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public SliceSamplerResult Sample(LogDensityFunction logDensity, ReadOnlySpan<double> start, int count, ulong seed,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellation = default)
    {
        var point = start.ToArray();
        return Sample(logDensity, Enumerable.Repeat(point, Options.Chains).ToArray(), count, seed, progress, cancellation);
    }

    /// <summary>
    /// As <see cref="Sample(LogDensityFunction, ReadOnlySpan{double}, int, ulong, IProgress{WorkProgress}?, CancellationToken)"/>,
    /// with chain c started at <paramref name="starts"/>[c] (several starting points let chains find several modes);
    /// <see cref="SliceSamplerOptions.Chains"/> is ignored: there are as many chains as starts, at most one per draw.
    /// </summary>
    /// <param name="logDensity">The target's log-density up to a constant; called from several threads at once.</param>
    /// <param name="starts">One start per chain, all of the same length; the density must be positive at each.</param>
    /// <param name="count">Draws to return, split evenly over the chains.</param>
    /// <param name="seed">Root seed of every chain's random stream.</param>
    /// <param name="progress">Sweeps done out of all chains' sweeps; may be null.</param>
    /// <param name="cancellation">Checked between sweeps.</param>
    /// <exception cref="ArgumentException">An option is invalid, <paramref name="count"/> is not positive, there are no starts, or a start
    /// is empty, of another length, not finite, or where the density is zero or NaN.</exception>
    /// <exception cref="InvalidOperationException">The log-density returned NaN, or a bracket stepped out
    /// <see cref="SliceSamplerOptions.MaxStepsOut"/> times.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public SliceSamplerResult Sample(LogDensityFunction logDensity, IReadOnlyList<double[]> starts, int count, ulong seed,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellation = default)
    {
        Options.Validate();
        if (count < 1) throw new ArgumentException($"Slice sampling needs a positive number of draws; got {count}.", nameof(count));
        if (starts.Count == 0) throw new ArgumentException("There are no start points.", nameof(starts));
        int d = starts[0].Length;
        if (d == 0) throw new ArgumentException("The start point has no coordinates.", nameof(starts));
        int chains = Math.Min(starts.Count, count);
        var startLogs = new double[chains];
        for (int c = 0; c < chains; c++)
        {
            var start = starts[c];
            if (start.Length != d) throw new ArgumentException($"Start point {c + 1} has {start.Length} coordinates; the first has {d}.", nameof(starts));
            for (int j = 0; j < d; j++)
                if (!double.IsFinite(start[j])) throw new ArgumentException($"Coordinate {j + 1} of start point {c + 1} is {start[j]}.", nameof(starts));
            startLogs[c] = logDensity(start);
            if (double.IsNaN(startLogs[c]) || double.IsNegativeInfinity(startLogs[c]))
                throw new ArgumentException($"The log-density is {startLogs[c]} at the start point ({string.Join(", ", start)}); chains must start where the density is positive.", nameof(starts));
        }

        var clock = Stopwatch.StartNew();
        var draws = new double[chains][];
        var widths = new double[chains][];
        var evaluations = new long[chains];
        var meanLogs = new double[chains];
        long totalSweeps = 0, sweepsDone = 0;
        var perChain = new int[chains];
        for (int c = 0; c < chains; c++)
        {
            perChain[c] = count / chains + (c < count % chains ? 1 : 0);
            totalSweeps += Options.WarmupSweeps + (long)perChain[c] * Options.Thin;
        }

        void RunChain(int c)
        {
            var chain = new Chain(logDensity, starts[c], startLogs[c], Options, new Rng(Seeds.Derive(seed, Seeds.Streams.Mcmc, (ulong)c)));
            double logSum = 0;
            var kept = new double[perChain[c] * d];
            int sweeps = Options.WarmupSweeps + perChain[c] * Options.Thin;
            for (int sweep = 0; sweep < sweeps; sweep++)
            {
                cancellation.ThrowIfCancellationRequested();
                chain.Sweep(tune: sweep < Options.WarmupSweeps);
                int after = sweep - Options.WarmupSweeps + 1;
                if (after > 0 && after % Options.Thin == 0)
                {
                    chain.Position.CopyTo(kept.AsSpan((after / Options.Thin - 1) * d, d));
                    logSum += chain.LogDensity;
                }
                long done = Interlocked.Increment(ref sweepsDone);
                progress?.Report(new WorkProgress(done, totalSweeps));
            }
            draws[c] = kept;
            widths[c] = chain.Widths;
            evaluations[c] = chain.Evaluations;
            meanLogs[c] = logSum / perChain[c];
        }

        ParallelLoop.For(0, chains, Options.MaxThreads, RunChain);

        var samples = new float[count, d];
        int row = 0;
        for (int c = 0; c < chains; c++)
            for (int i = 0; i < perChain[c]; i++, row++)
                for (int j = 0; j < d; j++) samples[row, j] = (float)draws[c][i * d + j];
        var meanWidths = Enumerable.Range(0, d).Select(j => widths.Average(w => w[j])).ToArray();
        return new SliceSamplerResult(samples, meanWidths, evaluations.Sum(), clock.Elapsed, perChain, meanLogs);
    }

    /// <summary>One chain's state: its position, its log-density there, its bracket widths and its random stream.</summary>
    private sealed class Chain(LogDensityFunction logDensity, double[] start, double startLog, SliceSamplerOptions options, Rng rng)
    {
        /// <summary>Half the spacing of <see cref="Rng.NextDouble"/>'s values (2⁻⁵³).</summary>
        private const double HalfStep = 1.0 / (1UL << 54);

        // Equal to Position except while At evaluates one coordinate's trial value.
        private readonly double[] _trial = (double[])start.Clone();
        private readonly int[] _tuned = new int[start.Length];
        private double _log = startLog;

        public double[] Position { get; } = (double[])start.Clone();
        public double[] Widths { get; } = Enumerable.Repeat(options.InitialWidth, start.Length).ToArray();
        public long Evaluations { get; private set; }
        public double LogDensity => _log;

        public void Sweep(bool tune)
        {
            foreach (int j in rng.Permutation(Position.Length)) Update(j, tune);
        }

        /// <summary>Neal's univariate update of coordinate <paramref name="j"/>: step out, then shrink towards the current point.</summary>
        private void Update(int j, bool tune)
        {
            // The slice {θ_j : log p(θ) > level} at a uniform height u·p, u in (0, 1): the half-step keeps u off 0,
            // where the slice would be the whole support and stepping out would never end.
            double level = _log + Math.Log(rng.NextDouble() + HalfStep);
            double w = Widths[j], current = Position[j];
            double left = current - w * rng.NextDouble(), right = left + w;
            int steps = 0;
            while (At(j, left) > level) { left -= w; StepOut(ref steps, j); }
            steps = 0;
            while (At(j, right) > level) { right += w; StepOut(ref steps, j); }

            while (true)
            {
                double candidate = left + (right - left) * rng.NextDouble();
                double log = At(j, candidate);
                if (log > level)
                {
                    // Tuned on the bracket the accepted point was drawn from: a stepped-out bracket is never
                    // shorter than the width it started from, so its mean would only grow.
                    if (tune) Widths[j] += (right - left - Widths[j]) / ++_tuned[j];
                    Position[j] = _trial[j] = candidate;
                    _log = log;
                    return;
                }
                // The current point is inside the slice, so shrinking towards it always ends.
                if (candidate < current) left = candidate;
                else right = candidate;
            }
        }

        private void StepOut(ref int steps, int j)
        {
            if (++steps > options.MaxStepsOut)
                throw new InvalidOperationException($"Slice sampling: the bracket of coordinate {j + 1} stepped out {options.MaxStepsOut} times with width " +
                                                    $"{Widths[j]:G4} without leaving the slice; the density may not fall off (an improper target) or the width is far too small.");
        }

        /// <summary>The log-density at the current position with coordinate <paramref name="j"/> set to <paramref name="value"/>.</summary>
        private double At(int j, double value)
        {
            _trial[j] = value;
            Evaluations++;
            double log = logDensity(_trial);
            if (double.IsNaN(log))
                throw new InvalidOperationException($"The log-density returned NaN at ({string.Join(", ", _trial)}); return −∞ where the density is zero.");
            _trial[j] = Position[j];
            return log;
        }
    }
}
