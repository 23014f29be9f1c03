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

/// <summary>The outcome of <see cref="GatsbiTrainer.Train"/>.</summary>
public sealed record GatsbiResult(
    GatsbiPosterior Posterior,
    IReadOnlyList<TrainingRecord> Log,
    StopReason StopReason,
    int Epochs,
    int DroppedSimulations,
    int Threads,
    TimeSpan Elapsed)
{
    public double EpochsPerSecond => Epochs / Elapsed.TotalSeconds;
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
            ConditionalGenerator? generator = null;
            try
            {
                torch.manual_seed(Seeds.ForTorch(Seeds.Derive(seed, Seeds.Streams.Networks)));
                generator = new ConditionalGenerator(data.DataDimension, data.ParameterDimension, Options.Generator);
                using var discriminator = new Discriminator(data.ParameterDimension, data.DataDimension, Options.Discriminator);
                using var run = new Run(Options, generator, discriminator, train, holdOut, batchSize, seed);
                var (log, reason, epochs, elapsed) = run.Execute(progress, cancellation);
                generator.DetachFromDisposeScopes();
                return new GatsbiResult(new GatsbiPosterior(generator, support), log, reason, epochs, dropped, threads, elapsed);
            }
            catch
            {
                generator?.Dispose();
                throw;
            }
            finally
            {
                torch.set_num_threads(previousThreads);
            }
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
        private readonly torch.Generator _random;
        private readonly AdamOptimizer _optG, _optD;
        private readonly List<TrainingRecord> _log = [];
        private readonly Parameter[] _gParams, _dParams;

        public Run(GatsbiOptions o, ConditionalGenerator g, Discriminator d, SimulationSet train, SimulationSet holdOut, int batchSize, ulong seed)
        {
            _o = o;
            _g = g;
            _d = d;
            _theta = tensor(train.Theta);
            _x = tensor(train.X);
            _thetaHold = tensor(holdOut.Theta);
            _xHold = tensor(holdOut.X);
            _batchSize = batchSize;
            _random = new torch.Generator(Seeds.Derive(seed, Seeds.Streams.Training));
            if (o.StandardizeInputs)
            {
                foreach (var (norm, values) in new[] { (g.XNorm, _x), (g.ThetaNorm, _theta), (d.XNorm, _x), (d.ThetaNorm, _theta) })
                    norm.Fit(values);
            }
            _gParams = [.. g.parameters()];
            _dParams = [.. d.parameters()];
            _optG = new AdamOptimizer(_gParams, o.GeneratorLearningRate, o.GeneratorBetas.Beta1, o.GeneratorBetas.Beta2);
            _optD = new AdamOptimizer(_dParams, o.DiscriminatorLearningRate, o.DiscriminatorBetas.Beta1, o.DiscriminatorBetas.Beta2);
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
                    DiscriminatorPhase();
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
            return (_log, reason.Value, epoch, clock.Elapsed);
        }

        private void DiscriminatorPhase()
        {
            var batches = Batches(_o.DiscriminatorSteps);
            foreach (var index in batches)
            {
                var theta = _theta.index_select(0, index);
                var x = _x.index_select(0, index);
                _optD.ZeroGrad();
                Tensor fake;
                using (no_grad()) fake = _g.Forward(x, Latent(x.shape[0]));
                // Fake first, then real: the order decides the spectral-norm power iterations, as in the original.
                var fakeLogits = _d.forward(fake, x);
                var realLogits = _d.forward(theta, x);
                var loss = GatsbiLoss.Discriminator(_o.Loss, realLogits, fakeLogits);
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
                    var fake = _g.Forward(x, Latent(x.shape[0]));
                    var loss = GatsbiLoss.Generator(_o.Loss, _d.forward(fake, x));
                    loss.backward();
                    Clip(_gParams, _o.GeneratorMaxGradNorm);
                    _optG.Step();
                }
            }
            finally
            {
                SetRequiresGrad(_dParams, true);
            }
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
                var fake = _g.Forward(_xHold, Latent(_xHold.shape[0]));
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
                    elapsed);
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
        }
    }
}
