using System.Diagnostics;
using Gatsbi.Distributions;
using Gatsbi.Native;
using Gatsbi.Nn;
using Gatsbi.Posteriors;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Inference.Gatsbi.Sequential;

/// <summary>What one round of a sequential run did.</summary>
/// <param name="Index">The round, 0 for the prior round.</param>
/// <param name="Simulations">Simulations the round ran (its share of the budget), non-finite ones included.</param>
/// <param name="DroppedSimulations">Of those, the pairs dropped because θ or x held NaN or ±∞.</param>
/// <param name="Epochs">Training epochs of the round, summed over the ensemble members.</param>
/// <param name="Log">The first generator's hold-out log of this round, its epochs counted from the start of the round.</param>
/// <param name="Elapsed">Wall-clock time of the round: proposals, simulations, classifiers and training.</param>
/// <param name="SimulationSeconds">Seconds of the round spent drawing parameters and simulating.</param>
/// <param name="ThetaClassifierEpochs">Epochs the θ density-ratio classifier trained; 0 for round 0, which has none.</param>
/// <param name="DataClassifierEpochs">Epochs the x density-ratio classifier trained; 0 for round 0.</param>
/// <param name="ClassifierSeconds">Seconds spent training both classifiers; 0 for round 0.</param>
public sealed record SequentialRound(
    int Index,
    int Simulations,
    int DroppedSimulations,
    int Epochs,
    IReadOnlyList<TrainingRecord> Log,
    TimeSpan Elapsed,
    double SimulationSeconds,
    int ThetaClassifierEpochs = 0,
    int DataClassifierEpochs = 0,
    double ClassifierSeconds = 0);

/// <summary>
/// The outcome of a sequential run: a posterior for its observation (a generator conditioned on other data
/// was trained toward the proposal rounds' region only, so use it at <see cref="Observation"/>) and every round's record.
/// </summary>
/// <param name="Posterior">The trained posterior; it holds TorchSharp modules, and the caller owns and should dispose it.</param>
/// <param name="Observation">x_o, the observation the later rounds were trained for.</param>
/// <param name="Rounds">Every round's record, round 0 first; fewer than planned when the run was cancelled.</param>
/// <param name="Threads">TorchSharp intra-op threads the networks trained with.</param>
/// <param name="Elapsed">Wall-clock time of the whole run, round 0 included.</param>
public sealed record SequentialResult(GatsbiPosterior Posterior, float[] Observation, IReadOnlyList<SequentialRound> Rounds, int Threads, TimeSpan Elapsed)
    : IDisposable
{
    /// <summary>Disposes <see cref="Posterior"/> (its networks).</summary>
    public void Dispose() => Posterior.Dispose();

    /// <summary>Training epochs of all rounds, summed over the ensemble members.</summary>
    public int Epochs => Rounds.Sum(r => r.Epochs);

    /// <summary>Simulations of all rounds that ran; the full budget unless the run was cancelled.</summary>
    public int Simulations => Rounds.Sum(r => r.Simulations);

    /// <summary>Seconds spent drawing parameters and simulating, over all rounds.</summary>
    public double SimulationSeconds => Rounds.Sum(r => r.SimulationSeconds);

    /// <summary>The first generator's hold-out log of all rounds on one epoch axis: round r's epochs continue round r − 1's.</summary>
    public IReadOnlyList<TrainingRecord> Log
    {
        get
        {
            var log = new List<TrainingRecord>();
            int offset = 0;
            foreach (var round in Rounds)
            {
                log.AddRange(round.Log.Select(r => r with { Epoch = r.Epoch + offset }));
                if (round.Log.Count > 0) offset += round.Log[^1].Epoch;
            }
            return log;
        }
    }
}

/// <summary>
/// Round 0 of a sequential run: amortised GATSBI on prior simulations, which does not depend on the observation.
/// <see cref="SequentialGatsbi.Refine"/> copies it, so one first round can start runs for many observations
/// (the original GATSBI code, run_benchmarks.py, resumed its later rounds from a saved round-0 checkpoint in
/// the same way). It owns round 0's networks: dispose it once every <see cref="SequentialGatsbi.Refine"/> is done.
/// </summary>
public sealed class SequentialStart : IDisposable
{
    internal SequentialStart(IPrior prior, ISimulator simulator, int[] budgets, GatsbiMember[] members, SimulationSet pairs, int holdOut,
        SequentialRound round, int threads)
    {
        Prior = prior;
        Simulator = simulator;
        Budgets = budgets;
        Members = members;
        Pairs = pairs;
        HoldOut = holdOut;
        Round = round;
        Threads = threads;
    }

    /// <summary>The prior round 0 drew from; the later rounds' support check and prior mixture use it too.</summary>
    public IPrior Prior { get; }

    /// <summary>The simulator of every round.</summary>
    public ISimulator Simulator { get; }

    /// <summary>Simulations per round, round 0 included; they add up to the run's budget.</summary>
    public IReadOnlyList<int> Budgets { get; }
    /// <summary>Round 0's record.</summary>
    public SequentialRound Round { get; }

    /// <summary>TorchSharp intra-op threads chosen for round 0; the later rounds train with the same count.</summary>
    public int Threads { get; }
    internal GatsbiMember[] Members { get; }

    /// <summary>Round 0's finite pairs, hold-out (the last <see cref="HoldOut"/>) included: the classifiers' class 0.</summary>
    internal SimulationSet Pairs { get; }
    internal int HoldOut { get; }

    /// <summary>Disposes round 0's generators and discriminators; results already returned by <see cref="SequentialGatsbi.Refine"/> hold copies and stay usable.</summary>
    public void Dispose()
    {
        foreach (var m in Members) m.Dispose();
    }
}

/// <summary>
/// Sequential GATSBI (Ramesh et al. 2022, Sec. 2.3; docs/sequential.md describes this implementation and where it
/// departs from the original code, gatsbi/optimize/sequential.py of github.com/mackelab/gatsbi): round 0 trains
/// amortised GATSBI on prior simulations; each later round draws parameters from the current posterior at the
/// observation x_o (inside the prior's support), simulates them, rebuilds the round's density-ratio
/// classifiers (round 0 against this round, on θ and on x), and continues training the same networks on all
/// rounds' pairs. Each discriminator or generator step picks a round uniformly, and a batch of round k ≥ 1 is
/// corrected with round k's classifiers, so that the generator's target stays the true posterior.
/// </summary>
public sealed class SequentialGatsbi(SequentialOptions options)
{
    /// <summary>Proposal draws allowed per requested parameter before a round gives up: proposals far outside the support are a sign of a failed round 0.</summary>
    private const int MaxProposalDrawFactor = 1000;

    /// <summary>The settings of every run; they are validated at the start of each run.</summary>
    public SequentialOptions Options { get; } = options;

    /// <summary>
    /// Round 0 and the later rounds for one observation; the rounds use exactly <paramref name="simulations"/>
    /// simulations in all. Cancelling ends training after the current epoch and returns the posterior trained so
    /// far, with the rounds that ran (the last one possibly cut short). The same seed gives the same result on
    /// the same machine and thread count.
    /// </summary>
    /// <returns>The result, whose <see cref="SequentialResult.Posterior"/> the caller owns and must dispose.</returns>
    /// <exception cref="ArgumentException">
    /// The prior, simulator and observation disagree, the observation is not finite, an option is invalid, or
    /// <paramref name="simulations"/> is too small for the rounds.
    /// </exception>
    /// <exception cref="InvalidOperationException">
    /// Too few simulations were finite, or the posterior put too few draws inside the prior's support to fill a round.
    /// </exception>
    public SequentialResult Run(IPrior prior, ISimulator simulator, ReadOnlySpan<float> observation, int simulations, ulong seed,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellation = default)
    {
        var x = observation.ToArray();
        ObservationChecks.RequireProblem(prior, simulator, x); // before round 0 simulates anything
        var clock = Stopwatch.StartNew();
        // One progress scale over all rounds: round 0's epochs, then the later rounds'.
        long first = (long)Options.Gatsbi.EnsembleSize * Options.Gatsbi.MaxEpochs;
        long later = (long)Options.Gatsbi.EnsembleSize * Options.LaterRoundEpochs * (Options.Rounds - 1);
        using var start = FirstRound(prior, simulator, simulations, seed, Shifted(progress, 0, first + later), cancellation);
        var result = Refine(start, x, seed, Shifted(progress, first, first + later), cancellation);
        return result with { Elapsed = clock.Elapsed };
    }

    /// <summary>Simulates round 0's share of <paramref name="simulations"/> from the prior and trains amortised GATSBI on it.</summary>
    /// <param name="prior">The prior; its support also bounds the posterior samples.</param>
    /// <param name="simulator">The simulator of every round.</param>
    /// <param name="simulations">The budget of the whole run, all rounds together; round 0 simulates its share now.</param>
    /// <param name="seed">Decides round 0's simulations, networks and training.</param>
    /// <param name="progress">Receives round 0's progress in epochs of all members; may be null.</param>
    /// <param name="cancellation">Ends training after the current epoch, keeping the networks trained so far.</param>
    /// <returns>The start of the run, owned by the caller, who must dispose it.</returns>
    /// <exception cref="ArgumentException">An option is invalid, the budget is too small for the rounds, or the prior and simulator disagree on θ's dimension.</exception>
    /// <exception cref="InvalidOperationException">Too few of round 0's simulations were finite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was signalled before training began.</exception>
    public SequentialStart FirstRound(IPrior prior, ISimulator simulator, int simulations, ulong seed,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellation = default)
    {
        TorchRuntime.EnsureLoaded();
        Options.Validate(simulations);
        ObservationChecks.RequirePriorFits(prior, simulator);
        var budgets = Options.Budgets(simulations);
        var clock = Stopwatch.StartNew();
        long total = (long)Options.Gatsbi.EnsembleSize * Options.Gatsbi.MaxEpochs;
        progress?.Report(new WorkProgress(0, total, "round 0: simulating"));
        var (pairs, dropped) = new SimulationRunner().Run(prior, simulator, budgets[0], seed).DropNonFinite();
        double simulationSeconds = clock.Elapsed.TotalSeconds;
        int holdOut = Options.FirstRoundHoldOut(budgets[0]);
        if (pairs.Count <= holdOut + 1)
            throw new InvalidOperationException($"Round 0 kept {pairs.Count} of {budgets[0]} simulations after dropping non-finite ones; training needs more than {holdOut + 1}.");
        var (train, holdOutPairs) = pairs.SplitHoldOut(holdOut);
        var gatsbi = Options.Gatsbi with { HoldOut = holdOut };
        var trainer = new GatsbiTrainer(gatsbi);
        int batchSize = Options.BatchSize(budgets, 0);
        int threads = trainer.ChooseThreads(pairs, batchSize);
        cancellation.ThrowIfCancellationRequested();
        lock (TorchProcessState.Gate)
        {
            var members = trainer.NewMembers(pairs, prior.Support, seed);
            try
            {
                var outcomes = trainer.TrainMembers(members, [new TrainingRound(train, batchSize)], holdOutPairs, fitStandardization: true, threads,
                    RoundProgress(progress, 0, 0, total), cancellation);
                var round = new SequentialRound(0, budgets[0], dropped, outcomes.Sum(o => o.Epochs), outcomes[0].Log, clock.Elapsed, simulationSeconds);
                return new SequentialStart(prior, simulator, budgets, members, pairs, holdOut, round, threads);
            }
            catch
            {
                foreach (var m in members) m.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// The later rounds for <paramref name="observation"/>, starting from copies of <paramref name="start"/>'s
    /// networks (the start is left as it was). <paramref name="seed"/> drives the proposals, simulations,
    /// classifiers and training of these rounds. Cancelling ends training after the current epoch and returns
    /// the rounds that ran.
    /// </summary>
    /// <returns>The result, whose <see cref="SequentialResult.Posterior"/> the caller owns and must dispose.</returns>
    /// <exception cref="ArgumentException">
    /// An option is invalid, <paramref name="start"/> was planned for another number of rounds, or the
    /// observation does not fit the simulator or is not finite.
    /// </exception>
    /// <exception cref="InvalidOperationException">
    /// The posterior put too few draws inside the prior's support to fill a round, or fewer than 2 of a round's
    /// simulations were finite.
    /// </exception>
    public SequentialResult Refine(SequentialStart start, ReadOnlySpan<float> observation, ulong seed,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellation = default)
    {
        TorchRuntime.EnsureLoaded();
        Options.Validate();
        if (start.Budgets.Count != Options.Rounds)
            throw new ArgumentException($"The first round was planned for {start.Budgets.Count} rounds; these options have {Options.Rounds}.");
        var xo = observation.ToArray();
        ObservationChecks.RequireProblem(start.Prior, start.Simulator, xo);

        var clock = Stopwatch.StartNew();
        var support = start.Prior.Support;
        var gatsbi = Options.Gatsbi with
        {
            HoldOut = start.HoldOut,
            MaxEpochs = Options.LaterRoundEpochs,
            GeneratorLearningRate = Options.Gatsbi.GeneratorLearningRate * Options.LaterRoundLearningRateScale,
            DiscriminatorLearningRate = Options.Gatsbi.DiscriminatorLearningRate * Options.LaterRoundLearningRateScale,
        };
        var trainer = new GatsbiTrainer(gatsbi);
        var (train0, holdOut) = start.Pairs.SplitHoldOut(start.HoldOut);
        var rounds = new List<TrainingRound> { new(train0, Options.BatchSize(start.Budgets, 0)) };
        var records = new List<SequentialRound> { start.Round };
        long perRound = (long)start.Members.Length * gatsbi.MaxEpochs, total = perRound * (Options.Rounds - 1);
        lock (TorchProcessState.Gate)
        {
            var members = start.Members.Select(m => Copy(m, trainer, support)).ToArray();
            try
            {
                // The proposal shares the members' generators, which keep training between rounds.
                var proposal = new GatsbiPosterior([.. members.Select(m => m.Generator)], support) { MaxDrawFactor = MaxProposalDrawFactor };
                // Cancelling ends training after the current epoch; the rounds finished so far make the posterior.
                for (int r = 1; r < Options.Rounds && !cancellation.IsCancellationRequested; r++)
                {
                    var roundClock = Stopwatch.StartNew();
                    ulong roundSeed = Seeds.Derive(seed, Seeds.Streams.Round, (ulong)r);
                    long done = perRound * (r - 1);
                    progress?.Report(new WorkProgress(done, total, $"round {r}: simulating"));
                    var (pairs, dropped) = Propose(proposal, start.Prior, start.Simulator, xo, start.Budgets[r], roundSeed);
                    double simulationSeconds = roundClock.Elapsed.TotalSeconds;
                    progress?.Report(new WorkProgress(done, total, $"round {r}: density-ratio classifiers"));
                    var classifierClock = Stopwatch.StartNew();
                    var ratios = new ImportanceCorrection(
                        DensityRatioClassifier.Train(start.Pairs.Theta, pairs.Theta, Seeds.Derive(roundSeed, Seeds.Streams.Networks, 0), Options.Classifier),
                        DensityRatioClassifier.Train(start.Pairs.X, pairs.X, Seeds.Derive(roundSeed, Seeds.Streams.Networks, 1), Options.Classifier));
                    double classifierSeconds = classifierClock.Elapsed.TotalSeconds;
                    rounds.Add(new TrainingRound(pairs, Options.BatchSize(start.Budgets, r), new RoundCorrection(Options.Correction, ratios, Options.Tilt)));
                    var outcomes = trainer.TrainMembers(members, rounds, holdOut, fitStandardization: false, start.Threads,
                        RoundProgress(progress, r, done, total), cancellation,
                        m => Seeds.Derive(roundSeed, Seeds.Streams.Ensemble, (ulong)m));
                    records.Add(new SequentialRound(r, start.Budgets[r], dropped, outcomes.Sum(o => o.Epochs), outcomes[0].Log, roundClock.Elapsed,
                        simulationSeconds, ratios.Theta.Epochs, ratios.X.Epochs, classifierSeconds));
                }
                return new SequentialResult(GatsbiTrainer.TakePosterior(members, support), xo, records, start.Threads, start.Round.Elapsed + clock.Elapsed);
            }
            catch
            {
                foreach (var m in members) m.Generator.Dispose();
                throw;
            }
            finally
            {
                foreach (var m in members) m.Discriminator.Dispose();
                foreach (var round in rounds) round.Correction?.Dispose();
            }
        }
    }

    /// <summary>
    /// Draws the round's parameters, <see cref="SequentialOptions.PriorMixture"/> of them from the prior and the
    /// rest from the current posterior at x_o, rejecting posterior draws outside the prior's support (the
    /// original GATSBI code did not; docs/sequential.md), and simulates them. Non-finite simulations are dropped and counted.
    /// </summary>
    private (SimulationSet Pairs, int Dropped) Propose(GatsbiPosterior proposal, IPrior prior, ISimulator simulator, float[] observation, int count, ulong seed)
    {
        int fromPrior = (int)Math.Round(Options.PriorMixture * count);
        var draws = proposal.Sample(observation, count - fromPrior, Seeds.Derive(seed, Seeds.Streams.Sampling));
        if (draws.Count < count - fromPrior)
            throw new InvalidOperationException($"The proposal put {draws.Count} of {draws.Drawn} draws inside the prior's support, short of the {count - fromPrior} the round needs: the previous round's posterior at this observation lies mostly outside the support.");
        var theta = fromPrior == 0 ? draws.Samples
            : Matrices.StackRows([draws.Samples, prior.Sample(fromPrior, new Rng(Seeds.Derive(seed, Seeds.Streams.Prior)))]);
        var x = new SimulationRunner().Simulate(simulator, theta, Seeds.Derive(seed, Seeds.Streams.Simulation));
        var (pairs, dropped) = new SimulationSet(theta, x).DropNonFinite();
        if (pairs.Count < 2)
            throw new InvalidOperationException($"Only {pairs.Count} of the round's {count} simulations were finite; the density-ratio classifiers need at least 2.");
        return (pairs, dropped);
    }

    /// <summary>A copy of a member's networks (weights and buffers), so that refining leaves the first round untouched.</summary>
    private static GatsbiMember Copy(GatsbiMember member, GatsbiTrainer trainer, Support? support)
    {
        var g = member.Generator;
        var (generator, discriminator) = trainer.CreateNetworks(g.DataDimension, g.ParameterDimension, support);
        generator.load_state_dict(g.state_dict());
        discriminator.load_state_dict(member.Discriminator.state_dict());
        return new GatsbiMember(generator, discriminator, member.Seed);
    }

    private static IProgress<TrainingProgress>? RoundProgress(IProgress<WorkProgress>? progress, int round, long offset, long total) =>
        progress is null ? null : new RoundProgressReporter(progress, round, offset, total);

    private static IProgress<WorkProgress>? Shifted(IProgress<WorkProgress>? progress, long offset, long total) =>
        progress is null ? null : new ShiftedProgress(progress, offset, total);

    /// <summary>Training progress of one round as work units (epochs of all members) after <paramref name="offset"/>, labelled with the round.</summary>
    private sealed class RoundProgressReporter(IProgress<WorkProgress> inner, int round, long offset, long total) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p) =>
            inner.Report(new WorkProgress(offset + p.Epoch, total, p.Status is null ? $"round {round}" : $"round {round}: {p.Status}"));
    }

    /// <summary>A stage's progress placed on the whole run's scale.</summary>
    private sealed class ShiftedProgress(IProgress<WorkProgress> inner, long offset, long total) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress p) => inner.Report(p with { Done = offset + p.Done, Total = total });
    }
}
