using System.Diagnostics;
using Gatsbi.Distributions;
using Gatsbi.Native;
using Gatsbi.Nn;
using Gatsbi.Posteriors;
using Gatsbi.Randomness;
using Gatsbi.Simulation;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatsbi.Inference.Gatsbi;

/// <summary>
/// The outcome of <see cref="GatsbiTrainer.Train(global::Gatsbi.Simulation.SimulationSet, global::Gatsbi.Distributions.IPrior, ulong, IProgress{global::Gatsbi.Inference.TrainingProgress}?, CancellationToken)"/>. For an ensemble, <see cref="Epochs"/> and
/// <see cref="Elapsed"/> add up all members and <see cref="StopReason"/> is the first member's unless a
/// later one was cancelled or ran out of time.
/// </summary>
/// <param name="Posterior">
/// The trained posterior (the mixture of the members' generators). It holds TorchSharp modules: the caller owns
/// it and should dispose it.
/// </param>
/// <param name="Log">The first member's hold-out log: one row every <see cref="GatsbiOptions.LogEvery"/> epochs and one at the last epoch.</param>
/// <param name="StopReason">Why training ended.</param>
/// <param name="Epochs">Epochs trained, summed over the ensemble members.</param>
/// <param name="DroppedSimulations">Simulations dropped before training because θ or x held NaN or ±∞.</param>
/// <param name="Threads">TorchSharp intra-op threads each member trained with.</param>
/// <param name="Elapsed">Wall-clock time of training, from the moment the networks were created.</param>
public sealed record GatsbiResult(
    GatsbiPosterior Posterior,
    IReadOnlyList<TrainingRecord> Log,
    StopReason StopReason,
    int Epochs,
    int DroppedSimulations,
    int Threads,
    TimeSpan Elapsed) : IDisposable
{
    /// <summary>Epochs per second over all ensemble members.</summary>
    public double EpochsPerSecond => Epochs / Elapsed.TotalSeconds;

    /// <summary>The training log of each ensemble member (<see cref="Log"/> is the first one's).</summary>
    public IReadOnlyList<IReadOnlyList<TrainingRecord>> MemberLogs { get; init; } = [Log];

    /// <summary>Disposes <see cref="Posterior"/> (its networks); a result used with <c>using</c> frees them at the end of the scope.</summary>
    public void Dispose() => Posterior.Dispose();
}

/// <summary>
/// Amortised GATSBI (Ramesh et al. 2022): trains a conditional generator G(x, z) against a discriminator
/// D(θ, x) on simulated pairs, so that G(x_o, ·) samples the posterior for any observation x_o.
/// </summary>
public sealed class GatsbiTrainer(GatsbiOptions options)
{
    /// <summary>The settings this trainer uses; they are validated at the start of every training run.</summary>
    public GatsbiOptions Options { get; } = options;

    /// <summary>
    /// Trains on <paramref name="simulations"/> (rows with NaN or infinite values are dropped first and
    /// counted), drawn from <paramref name="prior"/> and the simulator. The prior's support, if it has one, is
    /// used by the returned posterior to reject impossible samples. Cancelling ends training after the current epoch and still returns the
    /// generator trained so far. The last <see cref="GatsbiOptions.HoldOut"/> finite rows are held out for the
    /// logged metrics. The same seed, data, options and thread count give
    /// bit-identical networks on one machine, whatever <see cref="GatsbiOptions.ParallelMembers"/> is (unless
    /// <see cref="GatsbiOptions.MaxTrainingTime"/> cuts training short); another thread count or CPU gives a
    /// statistically equivalent but not identical posterior (docs/architecture.md).
    /// </summary>
    /// <param name="simulations">The training pairs (θ, x), one simulation per row.</param>
    /// <param name="prior">The prior the θ were drawn from.</param>
    /// <param name="seed">Root seed of network initialisation, batches and noise.</param>
    /// <param name="progress">Receives a report after every epoch; may be null.</param>
    /// <param name="cancellation">Ends training after the current epoch; the generator trained so far is returned.</param>
    /// <returns>The result, which owns the posterior: dispose it (or its <see cref="GatsbiResult.Posterior"/>) when done.</returns>
    /// <exception cref="ArgumentException">
    /// An option is invalid, or there are no more than <see cref="GatsbiOptions.HoldOut"/> + 1 finite simulations.
    /// </exception>
    public GatsbiResult Train(SimulationSet simulations, IPrior prior, ulong seed, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default) =>
        Train(simulations, prior.Support, seed, progress, cancellation);

    /// <summary>
    /// Like <see cref="Train(SimulationSet, IPrior, ulong, IProgress{TrainingProgress}?, CancellationToken)"/>
    /// for a prior known only by its support (or none, <paramref name="support"/> null): the posterior rejects
    /// samples outside <paramref name="support"/>.
    /// </summary>
    /// <returns>The result, which the caller owns and must dispose.</returns>
    /// <exception cref="ArgumentException">
    /// An option is invalid, or there are no more than <see cref="GatsbiOptions.HoldOut"/> + 1 finite simulations.
    /// </exception>
    public GatsbiResult Train(
        SimulationSet simulations,
        Support? support,
        ulong seed,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        TorchRuntime.EnsureLoaded();
        Options.Validate();
        var (data, dropped) = simulations.DropNonFinite();
        if (data.Count <= Options.HoldOut + 1)
            throw new ArgumentException($"GATSBI needs more than {Options.HoldOut + 1} finite simulations (hold-out {Options.HoldOut}); got {data.Count} after dropping {dropped} non-finite rows.");
        var (train, holdOut) = data.SplitHoldOut(Options.HoldOut);
        int batchSize = Options.BatchSize(simulations.Count);
        int threads = ChooseThreads(data, batchSize);

        lock (TorchProcessState.Gate)
        {
            var members = NewMembers(data, support, seed);
            try
            {
                var clock = Stopwatch.StartNew();
                var outcomes = TrainMembers(members, [new TrainingRound(train, batchSize)], holdOut, fitStandardization: true, threads, progress, cancellation,
                    maxEpochs: Options.Epochs(simulations.Count));
                return new GatsbiResult(TakePosterior(members, support), outcomes[0].Log, CombinedReason(outcomes), outcomes.Sum(o => o.Epochs), dropped, threads, clock.Elapsed)
                {
                    MemberLogs = outcomes.Select(o => (IReadOnlyList<TrainingRecord>)o.Log).ToArray(),
                };
            }
            catch
            {
                foreach (var m in members) m.Generator.Dispose();
                throw;
            }
            finally
            {
                foreach (var m in members) m.Discriminator.Dispose();
            }
        }
    }

    /// <summary>Training threads: the option, or the <see cref="ThreadPolicy"/> choice for this problem size.</summary>
    internal int ChooseThreads(SimulationSet data, int batchSize) =>
        Options.Threads ?? (Options.Convolutional is not null
            ? Environment.ProcessorCount
            : ThreadPolicy.Choose(Options.Discriminator, data.ParameterDimension + data.DataDimension, batchSize));

    /// <summary>
    /// Fresh networks for every ensemble member, initialised here in member order, because initialisation draws
    /// from libtorch's global generator; training then uses each member's own random streams, so members can
    /// train in parallel and still give the same result as one after another. The caller holds the torch gate.
    /// </summary>
    internal GatsbiMember[] NewMembers(SimulationSet data, Support? support, ulong seed)
    {
        var members = new GatsbiMember[Options.EnsembleSize];
        try
        {
            for (int m = 0; m < members.Length; m++)
            {
                ulong memberSeed = MemberSeed(seed, m);
                torch.manual_seed(Seeds.ForTorch(Seeds.Derive(memberSeed, Seeds.Streams.Networks)));
                var (generator, discriminator) = CreateNetworks(data.DataDimension, data.ParameterDimension, support);
                members[m] = new GatsbiMember(generator, discriminator, memberSeed);
            }
            return members;
        }
        catch
        {
            foreach (var m in members) m?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A generator and a discriminator as the options describe them: the convolutional pair when
    /// <see cref="GatsbiOptions.Convolutional"/> is set, else the MLPs, the generator mapping into
    /// <paramref name="support"/> when <see cref="GatsbiOptions.TransformToUnbounded"/> applies. Initialisation
    /// draws from libtorch's global generator.
    /// </summary>
    internal (GeneratorNetwork Generator, DiscriminatorNetwork Discriminator) CreateNetworks(int dataDimension, int parameterDimension, Support? support)
    {
        if (Options.Convolutional is { } convolutional)
        {
            convolutional.Validate(parameterDimension, dataDimension);
            var g = convolutional.CreateGenerator(parameterDimension);
            try
            {
                return (g, convolutional.CreateDiscriminator(parameterDimension));
            }
            catch
            {
                g.Dispose();
                throw;
            }
        }
        bool transform = Options.TransformToUnbounded && SupportTransform.Applies(support);
        var generator = new ConditionalGenerator(dataDimension, parameterDimension, Options.Generator with { MapsToSupport = transform });
        if (transform) generator.SupportTransform!.Fit(support!);
        return (generator, new Discriminator(parameterDimension, dataDimension, Options.Discriminator));
    }

    /// <summary>
    /// Trains every member on <paramref name="rounds"/> for <paramref name="maxEpochs"/> epochs (default <see cref="GatsbiOptions.MaxEpochs"/>; or
    /// until a stopping rule, the time budget or cancellation), side by side when the cores allow, each with
    /// the random streams of its own seed, or of <paramref name="streamSeed"/>(member index) when given. Takes the torch gate and sets the thread count for the duration.
    /// </summary>
    internal MemberOutcome[] TrainMembers(IReadOnlyList<GatsbiMember> members, IReadOnlyList<TrainingRound> rounds, SimulationSet holdOut,
        bool fitStandardization, int threads, IProgress<TrainingProgress>? progress, CancellationToken cancellation, Func<int, ulong>? streamSeed = null,
        int? maxEpochs = null)
    {
        int epochBudget = maxEpochs ?? Options.MaxEpochs;
        lock (TorchProcessState.Gate)
        {
            int previousThreads = torch.get_num_threads();
            torch.set_num_threads(threads);
            try
            {
                int k = members.Count;
                var outcomes = new MemberOutcome[k];
                var clock = Stopwatch.StartNew();
                var shared = progress is null ? null : new EnsembleProgress(progress, k * epochBudget);
                int parallel = Math.Min(k, Options.ParallelMembers ?? Math.Max(1, Environment.ProcessorCount / threads));
                void TrainOne(int m)
                {
                    var member = members[m];
                    var remaining = Options.MaxTrainingTime - clock.Elapsed;
                    ulong seed = streamSeed?.Invoke(m) ?? member.Seed;
                    using var run = new AdversarialRun(Options with { MaxTrainingTime = remaining, MaxEpochs = epochBudget }, member.Generator, member.Discriminator, rounds, holdOut, seed, fitStandardization);
                    var (log, reason, epochs, _) = run.Execute(shared, cancellation);
                    outcomes[m] = new MemberOutcome(log, reason, epochs);
                }
                try
                {
                    // One at a time stays on the calling thread (TorchSharp's dispose-scope statistics are per thread).
                    if (parallel == 1) for (int m = 0; m < k; m++) TrainOne(m);
                    else Parallel.For(0, k, new ParallelOptions { MaxDegreeOfParallelism = parallel }, TrainOne);
                }
                catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
                }
                return outcomes;
            }
            finally
            {
                torch.set_num_threads(previousThreads);
            }
        }
    }

    /// <summary>The members' generators as the posterior, detached from any dispose scope.</summary>
    internal static GatsbiPosterior TakePosterior(IReadOnlyList<GatsbiMember> members, Support? support)
    {
        foreach (var m in members) m.Generator.DetachFromDisposeScopes();
        return new GatsbiPosterior([.. members.Select(m => m.Generator)], support);
    }

    /// <summary>A cancelled or timed-out member decides the reason; otherwise the first member's rule does.</summary>
    internal static StopReason CombinedReason(IReadOnlyList<MemberOutcome> outcomes) =>
        outcomes.Select(o => o.Reason).FirstOrDefault(r => r is StopReason.Cancelled or StopReason.TimeBudget, outcomes[0].Reason);

    /// <summary>Member 0 keeps the root seed, so an ensemble of one trains exactly like a single model.</summary>
    private static ulong MemberSeed(ulong seed, int member) =>
        member == 0 ? seed : Seeds.Derive(Seeds.Derive(seed, Seeds.Streams.Ensemble), (ulong)member);

    /// <summary>Progress over the whole ensemble: members report their epochs as they finish them, from any thread.</summary>
    private sealed class EnsembleProgress(IProgress<TrainingProgress> inner, int total) : IProgress<TrainingProgress>
    {
        private readonly Lock _gate = new();
        private int _done;

        public void Report(TrainingProgress value)
        {
            lock (_gate) inner.Report(value with { Epoch = ++_done, MaxEpochs = total });
        }
    }
}

/// <summary>One ensemble member's networks and the seed its random streams derive from.</summary>
internal sealed record GatsbiMember(GeneratorNetwork Generator, DiscriminatorNetwork Discriminator, ulong Seed) : IDisposable
{
    public void Dispose()
    {
        Generator.Dispose();
        Discriminator.Dispose();
    }
}

/// <summary>How one member's training ended.</summary>
internal sealed record MemberOutcome(List<TrainingRecord> Log, StopReason Reason, int Epochs);
