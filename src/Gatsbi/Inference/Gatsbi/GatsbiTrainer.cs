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

/// <summary>Progress of a GATSBI run, reported after every epoch; <see cref="Latest"/> is the newest hold-out log row.</summary>
public readonly record struct TrainingProgress(int Epoch, int MaxEpochs, TrainingRecord? Latest);

/// <summary>
/// The outcome of <see cref="GatsbiTrainer.Train"/>. For an ensemble, <see cref="Epochs"/> and
/// <see cref="Elapsed"/> add up all members and <see cref="StopReason"/> is the first member's unless a
/// later one was cancelled or ran out of time.
/// </summary>
public sealed record GatsbiResult(
    GatsbiPosterior Posterior,
    IReadOnlyList<TrainingRecord> Log,
    StopReason StopReason,
    int Epochs,
    int DroppedSimulations,
    int Threads,
    TimeSpan Elapsed)
{
    /// <summary>Epochs per second over all ensemble members.</summary>
    public double EpochsPerSecond => Epochs / Elapsed.TotalSeconds;

    /// <summary>The training log of each ensemble member (<see cref="Log"/> is the first one's).</summary>
    public IReadOnlyList<IReadOnlyList<TrainingRecord>> MemberLogs { get; init; } = [Log];
}

/// <summary>
/// Amortised GATSBI (Ramesh et al. 2022): trains a conditional generator G(x, z) against a discriminator
/// D(θ, x) on simulated pairs, so that G(x_o, ·) samples the posterior for any observation x_o.
/// </summary>
public sealed class GatsbiTrainer(GatsbiOptions options)
{
    public GatsbiOptions Options { get; } = options;

    /// <summary>
    /// Trains on <paramref name="simulations"/> (rows with NaN or infinite values are dropped first and
    /// counted). <paramref name="support"/>, usually the prior's, is used by the returned posterior to
    /// reject impossible samples. Cancelling ends training after the current epoch and still returns the
    /// generator trained so far.
    /// </summary>
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
        int threads = Options.Threads ?? ThreadPolicy.Choose(Options.Discriminator, data.ParameterDimension + data.DataDimension, batchSize);

        // The thread count and the default generator (network initialisation) are process-wide in libtorch,
        // so concurrent runs are serialised rather than left to race on them.
        lock (TorchProcessState.Gate)
        {
            int previousThreads = torch.get_num_threads();
            torch.set_num_threads(threads);
            int k = Options.EnsembleSize;
            var generators = new ConditionalGenerator[k];
            var discriminators = new Discriminator[k];
            try
            {
                // Every network is initialised here, in member order, because initialisation draws from
                // libtorch's global generator; training then uses each member's own random streams, so it
                // can run in parallel and still give the same result as one member after another.
                for (int m = 0; m < k; m++) (generators[m], discriminators[m]) = NewNetworks(data, support, MemberSeed(seed, m));
                var outcomes = new (List<TrainingRecord> Log, StopReason Reason, int Epochs)[k];
                var clock = Stopwatch.StartNew();
                var shared = progress is null ? null : new EnsembleProgress(progress, k * Options.MaxEpochs);
                int parallel = Math.Min(k, Options.ParallelMembers ?? Math.Max(1, Environment.ProcessorCount / threads));
                try
                {
                    void TrainOne(int m)
                    {
                        var remaining = Options.MaxTrainingTime - clock.Elapsed;
                        using var run = new Run(Options with { MaxTrainingTime = remaining }, generators[m], discriminators[m], train, holdOut, batchSize, MemberSeed(seed, m));
                        var (log, reason, epochs, _) = run.Execute(shared, cancellation);
                        outcomes[m] = (log, reason, epochs);
                    }
                    // One at a time stays on the calling thread (TorchSharp's dispose-scope statistics are per thread).
                    if (parallel == 1) for (int m = 0; m < k; m++) TrainOne(m);
                    else Parallel.For(0, k, new ParallelOptions { MaxDegreeOfParallelism = parallel }, TrainOne);
                }
                catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
                }
                foreach (var g in generators) g.DetachFromDisposeScopes();
                // A cancelled or timed-out member decides the reason; otherwise the first member's rule does.
                var stop = outcomes.Select(o => o.Reason).FirstOrDefault(r => r is StopReason.Cancelled or StopReason.TimeBudget, outcomes[0].Reason);
                return new GatsbiResult(new GatsbiPosterior(generators, support), outcomes[0].Log, stop, outcomes.Sum(o => o.Epochs), dropped, threads, clock.Elapsed)
                {
                    MemberLogs = outcomes.Select(o => (IReadOnlyList<TrainingRecord>)o.Log).ToArray(),
                };
            }
            catch
            {
                foreach (var g in generators) g?.Dispose();
                throw;
            }
            finally
            {
                foreach (var d in discriminators) d?.Dispose();
                torch.set_num_threads(previousThreads);
            }
        }
    }

    /// <summary>Member 0 keeps the root seed, so an ensemble of one trains exactly like a single model.</summary>
    private static ulong MemberSeed(ulong seed, int member) =>
        member == 0 ? seed : Seeds.Derive(Seeds.Derive(seed, Seeds.Streams.Ensemble), (ulong)member);

    private (ConditionalGenerator, Discriminator) NewNetworks(SimulationSet data, Support? support, ulong seed)
    {
        torch.manual_seed(Seeds.ForTorch(Seeds.Derive(seed, Seeds.Streams.Networks)));
        bool transform = Options.TransformToUnbounded && SupportTransform.Applies(support);
        var generator = new ConditionalGenerator(data.DataDimension, data.ParameterDimension, Options.Generator with { MapsToSupport = transform });
        if (transform) generator.SupportTransform!.Fit(support!);
        return (generator, new Discriminator(data.ParameterDimension, data.DataDimension, Options.Discriminator));
    }

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

    /// <summary>The state of one training run: networks, optimisers, data tensors and the log.</summary>
    private sealed class Run : IDisposable
    {
        private readonly GatsbiOptions _o;
        private readonly ConditionalGenerator _g;
        private readonly Discriminator _d;
        private readonly Tensor _theta, _x, _thetaHold, _xHold;
        private readonly int _batchSize;
        private readonly ulong _holdOutSeed;
        private readonly torch.Generator _random;
        private readonly AdamOptimizer _optG, _optD;
        private readonly List<TrainingRecord> _log = [];
        private readonly Parameter[] _gParams, _dParams;
        private readonly WeightCopy? _average;
        private readonly WeightCopy? _committed;
        private readonly Tensor[] _dState = [];
        private WeightCopy? _best;
        private double _bestScore = double.PositiveInfinity;

        /// <summary>Draws per hold-out row for the energy score: enough that its estimate barely varies between logs.</summary>
        private const int HoldOutScoreDraws = 16;

        public Run(GatsbiOptions o, ConditionalGenerator g, Discriminator d, SimulationSet train, SimulationSet holdOut, int batchSize, ulong seed)
        {
            _o = o;
            _g = g;
            _d = d;
            // With a support transform both networks work on u = T⁻¹(θ); real pairs are mapped once here.
            _theta = Unbounded(g, train.Theta);
            _x = tensor(train.X);
            _thetaHold = Unbounded(g, holdOut.Theta);
            _xHold = tensor(holdOut.X);
            _batchSize = batchSize;
            _random = new torch.Generator(Seeds.Derive(seed, Seeds.Streams.Training));
            _holdOutSeed = Seeds.Derive(seed, Seeds.Streams.HoldOutScore);
            if (o.StandardizeInputs)
            {
                foreach (var (norm, values) in new[] { (g.XNorm, _x), (g.ThetaNorm, _theta), (d.XNorm, _x), (d.ThetaNorm, _theta) })
                    norm.Fit(values);
            }
            _gParams = [.. g.parameters()];
            _dParams = [.. d.parameters()];
            _optG = new AdamOptimizer(_gParams, o.GeneratorLearningRate, o.GeneratorBetas.Beta1, o.GeneratorBetas.Beta2);
            _optD = new AdamOptimizer(_dParams, o.DiscriminatorLearningRate, o.DiscriminatorBetas.Beta1, o.DiscriminatorBetas.Beta2);
            if (o.GeneratorAverageDecay > 0) _average = new WeightCopy(_gParams);
            if (o.UnrolledSteps > 0)
            {
                // The committed discriminator: weights and buffers (spectral-norm power-iteration vectors).
                _dState = [.. d.parameters(), .. d.buffers()];
                _committed = new WeightCopy(_dState);
            }
        }

        private static Tensor Unbounded(ConditionalGenerator g, float[,] theta)
        {
            var values = tensor(theta);
            if (g.SupportTransform is null) return values;
            using (values)
            using (no_grad())
                return g.SupportTransform.Inverse(values);
        }

        public (List<TrainingRecord>, StopReason, int, TimeSpan) Execute(IProgress<TrainingProgress>? progress, CancellationToken cancellation)
        {
            var clock = Stopwatch.StartNew();
            _g.train();
            _d.train();
            int epoch = 0;
            StopReason? reason = null;
            while (reason is null)
            {
                epoch++;
                SetLearningRates(epoch);
                using (NewDisposeScope())
                {
                    _committed?.CopyTo(_dState);
                    DiscriminatorPhase(_o.DiscriminatorSteps);
                    if (_committed is not null)
                    {
                        _committed.CopyFrom(_dState);
                        DiscriminatorPhase(_o.UnrolledSteps);
                    }
                    GeneratorPhase();
                }
                bool last = epoch == _o.MaxEpochs;
                if (epoch % _o.LogEvery == 0 || last)
                {
                    _log.Add(Evaluate(epoch, clock.Elapsed));
                    if (_o.UseStoppingRules)
                        reason = StoppingRules.Check(_log, AllFinite(_gParams), AllFinite(_dParams), _optG.LearningRate, _o.StopThreshold);
                }
                progress?.Report(new TrainingProgress(epoch, _o.MaxEpochs, _log.Count > 0 ? _log[^1] : null));
                if (reason is not null) break;
                if (last) reason = StopReason.EpochBudget;
                else if (cancellation.IsCancellationRequested) reason = StopReason.Cancelled;
                else if (clock.Elapsed > _o.MaxTrainingTime) reason = StopReason.TimeBudget;
            }
            // The posterior is the best checkpoint if one is kept, else the weight average, else the last weights.
            if (_best is not null) _best.CopyTo(_gParams);
            else _average?.CopyTo(_gParams);
            return (_log, reason.Value, epoch, clock.Elapsed);
        }

        private void DiscriminatorPhase(int steps)
        {
            var batches = Batches(steps);
            foreach (var index in batches)
            {
                var theta = _theta.index_select(0, index);
                var x = _x.index_select(0, index);
                _optD.ZeroGrad();
                Tensor fake;
                using (no_grad()) fake = _g.ForwardUnbounded(x, Latent(x.shape[0]));
                // Fake first, then real: the order decides the spectral-norm power iterations, as in the original.
                var fakeLogits = _d.forward(fake, x);
                var realLogits = _d.forward(theta, x);
                var loss = GatsbiLoss.Discriminator(_o.Loss, realLogits, fakeLogits);
                if (_o.Loss == GatsbiLossKind.WassersteinGp && _o.GradientPenaltyWeight > 0)
                    loss = loss.Plus(GradientPenalty(theta, fake, x).mul_(TorchScalars.Of(_o.GradientPenaltyWeight)));
                loss.backward();
                Clip(_dParams, _o.DiscriminatorMaxGradNorm);
                _optD.Step();
            }
        }

        private void GeneratorPhase()
        {
            // D's weights need no gradient during a G step; freezing them skips that work and leaves G's update unchanged.
            SetRequiresGrad(_dParams, false);
            try
            {
                foreach (var index in Batches(_o.GeneratorSteps))
                {
                    var x = _x.index_select(0, index);
                    _optG.ZeroGrad();
                    var fake = _g.ForwardUnbounded(x, Latent(x.shape[0]));
                    var loss = GatsbiLoss.Generator(_o.Loss, _d.forward(fake, x));
                    if (_o.EnergyScoreWeight > 0)
                    {
                        var second = _g.ForwardUnbounded(x, Latent(x.shape[0]));
                        var theta = _theta.index_select(0, index);
                        var norm = _g.ThetaNorm;
                        var score = EnergyScore.Estimate(norm.forward(fake), norm.forward(second), norm.forward(theta));
                        loss = loss.Plus(score.mul_(TorchScalars.Of(_o.EnergyScoreWeight)));
                    }
                    loss.backward();
                    Clip(_gParams, _o.GeneratorMaxGradNorm);
                    _optG.Step();
                    _average?.Average(_gParams, _o.GeneratorAverageDecay);
                }
            }
            finally
            {
                SetRequiresGrad(_dParams, true);
            }
        }

        /// <summary>
        /// WGAN-GP's penalty E(‖∇_θ D(θ̂, x)‖ − 1)² at θ̂ = u·θ_real + (1 − u)·θ_fake, u ~ U(0, 1) per row; the
        /// pairs share x, so the gradient is taken in θ only. Kept in the graph so that it trains D.
        /// </summary>
        private Tensor GradientPenalty(Tensor real, Tensor fake, Tensor x)
        {
            var u = rand([real.shape[0], 1], generator: _random);
            var mixed = (real * u).PlusInPlace(fake * u.neg().PlusInPlace(1.0)).detach().requires_grad_(true);
            var logits = _d.forward(mixed, x);
            var gradient = torch.autograd.grad([logits.sum()], [mixed], retain_graph: true, create_graph: true)[0];
            return gradient.square().sum(1).PlusInPlace(1e-12).sqrt_().Plus(-1.0).square().mean();
        }

        /// <summary>
        /// The energy score of the current generator weights (the average when one is kept) on the hold-out
        /// pairs; the latent draws come from a fixed stream so that successive logs differ only by the weights.
        /// </summary>
        private double HoldOutEnergyScore()
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            using var latentStream = new torch.Generator(_holdOutSeed);
            long n = _xHold.shape[0];
            var x = _xHold.repeat_interleave(HoldOutScoreDraws, 0);
            var z = randn([n * HoldOutScoreDraws, _g.LatentDimension], generator: latentStream);
            var norm = _g.ThetaNorm;
            var samples = norm.forward(_g.ForwardUnbounded(x, z)).reshape(n, HoldOutScoreDraws, _g.ParameterDimension);
            return EnergyScore.Estimate(samples, norm.forward(_thetaHold)).item<float>();
        }

        /// <summary>The first <paramref name="steps"/> batches of a fresh shuffle of the training set (fewer if it has fewer batches).</summary>
        private IEnumerable<Tensor> Batches(int steps)
        {
            long n = _theta.shape[0];
            var permutation = randperm(n, generator: _random);
            for (int s = 0; s < steps && (long)s * _batchSize < n; s++)
            {
                long start = (long)s * _batchSize;
                yield return permutation.narrow(0, start, Math.Min(_batchSize, n - start));
            }
        }

        private Tensor Latent(long rows) => randn([rows, _g.LatentDimension], generator: _random);

        /// <summary>Hold-out metrics with both networks in evaluation mode (gatsbi_method.md §1.7, with clean gradients).</summary>
        private TrainingRecord Evaluate(int epoch, TimeSpan elapsed)
        {
            using var scope = NewDisposeScope();
            _g.eval();
            _d.eval();
            try
            {
                _optG.ZeroGrad();
                _optD.ZeroGrad();
                var fake = _g.ForwardUnbounded(_xHold, Latent(_xHold.shape[0]));
                var fakeLogits = _d.forward(fake, _xHold);
                var fakeLogitsDetached = _d.forward(fake.detach(), _xHold);
                var realLogits = _d.forward(_thetaHold, _xHold);
                var disLoss = GatsbiLoss.Discriminator(_o.Loss, realLogits, fakeLogitsDetached);
                var genLoss = GatsbiLoss.Generator(_o.Loss, fakeLogits);
                disLoss.backward();
                genLoss.backward();
                var dReal = sigmoid(realLogits);
                var dFake = sigmoid(fakeLogitsDetached);
                var record = new TrainingRecord(
                    epoch,
                    disLoss.item<float>(),
                    genLoss.item<float>(),
                    GradNorm(_dParams),
                    GradNorm(_gParams),
                    dReal.mean().item<float>(),
                    dReal.std().item<float>(),
                    dFake.mean().item<float>(),
                    dFake.std().item<float>(),
                    CurrentLearningRate(epoch, _o.GeneratorLearningRate),
                    elapsed,
                    ScoreCandidate());
                _optG.ZeroGrad();
                _optD.ZeroGrad();
                return record;
            }
            finally
            {
                _g.train();
                _d.train();
            }
        }

        /// <summary>
        /// Hold-out energy score of the weights the run would return now (the average when one is kept), and
        /// with <see cref="GatsbiOptions.KeepBestCheckpoint"/> a copy of them when they score best so far.
        /// </summary>
        private double ScoreCandidate()
        {
            _average?.Swap(_gParams);
            try
            {
                double score = HoldOutEnergyScore();
                if (_o.KeepBestCheckpoint && score < _bestScore)
                {
                    _bestScore = score;
                    if (_best is null) _best = new WeightCopy(_gParams);
                    else _best.CopyFrom(_gParams);
                }
                return score;
            }
            finally
            {
                _average?.Swap(_gParams);
            }
        }

        private void SetLearningRates(int epoch)
        {
            if (_o.Schedule == LearningRateSchedule.Constant) return;
            _optG.LearningRate = CurrentLearningRate(epoch, _o.GeneratorLearningRate);
            _optD.LearningRate = CurrentLearningRate(epoch, _o.DiscriminatorLearningRate);
        }

        private double CurrentLearningRate(int epoch, double initial)
        {
            if (_o.Schedule == LearningRateSchedule.Constant) return initial;
            double progress = Math.Min(1.0, (epoch - 1) / (double)Math.Max(1, _o.MaxEpochs - 1));
            double floor = initial * _o.FinalLearningRateFraction;
            return floor + (initial - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
        }

        private static void Clip(Parameter[] parameters, double maxNorm)
        {
            if (double.IsPositiveInfinity(maxNorm)) return;
            nn.utils.clip_grad_norm_(parameters, maxNorm);
        }

        private static double GradNorm(Parameter[] parameters)
        {
            double sum = 0;
            foreach (var p in parameters)
            {
                if (p.grad is null) continue;
                using var norm = p.grad.norm();
                double n = norm.item<float>();
                sum += n * n;
            }
            return Math.Sqrt(sum);
        }

        private static bool AllFinite(Parameter[] parameters)
        {
            using var scope = NewDisposeScope();
            return parameters.All(p => isfinite(p).all().item<bool>());
        }

        private static void SetRequiresGrad(Parameter[] parameters, bool value)
        {
            foreach (var p in parameters) p.requires_grad = value;
        }

        public void Dispose()
        {
            _theta.Dispose();
            _x.Dispose();
            _thetaHold.Dispose();
            _xHold.Dispose();
            _random.Dispose();
            _optG.Dispose();
            _optD.Dispose();
            _average?.Dispose();
            _best?.Dispose();
            _committed?.Dispose();
        }
    }
}
