using System.Diagnostics;
using Gatsbi.Inference.Gatsbi.Sequential;
using Gatsbi.Nn;
using Gatsbi.Randomness;
using Gatsbi.Simulation;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatsbi.Inference.Gatsbi;

/// <summary>
/// One bank of training pairs: the prior simulations of an amortised run, or one round of sequential GATSBI
/// with its batch size and, for a proposal round, the correction that keeps the target at the true posterior.
/// </summary>
internal sealed record TrainingRound(SimulationSet Data, int BatchSize, RoundCorrection? Correction = null);

/// <summary>
/// The epoch loop of GATSBI for one generator and discriminator, after the optimisers of the original GATSBI
/// code (github.com/mackelab/gatsbi: gatsbi/optimize/base.py for the plain loop, gatsbi/optimize/sequential.py
/// for the weighted losses of proposal rounds, gatsbi/optimize/unrolled.py for unrolling): networks,
/// optimisers, data tensors and the log. With several rounds, every discriminator or generator step first
/// picks a round uniformly and takes the next batch of that round's shuffle; a batch of a proposal round is
/// corrected by that round's own <see cref="RoundCorrection"/>.
/// </summary>
internal sealed class AdversarialRun : IDisposable
{
    private readonly GatsbiOptions _o;
    private readonly GeneratorNetwork _g;
    private readonly DiscriminatorNetwork _d;
    private readonly RoundTensors[] _rounds;
    private readonly Tensor _thetaHold, _xHold;
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

    /// <summary>
    /// Sets up training of <paramref name="g"/> and <paramref name="d"/> on <paramref name="rounds"/>. With
    /// <paramref name="fitStandardization"/> (fresh networks and <see cref="GatsbiOptions.StandardizeInputs"/>)
    /// the networks' input scalings are fitted to the first round; warm-started networks keep theirs.
    /// </summary>
    public AdversarialRun(GatsbiOptions o, GeneratorNetwork g, DiscriminatorNetwork d, IReadOnlyList<TrainingRound> rounds, SimulationSet holdOut,
        ulong seed, bool fitStandardization = true)
    {
        if (rounds.Count == 0) throw new ArgumentException("GATSBI needs at least one bank of training pairs.");
        _o = o;
        _g = g;
        _d = d;
        // With a support transform both networks work on u = T⁻¹(θ); real pairs are mapped once here.
        _rounds = [.. rounds.Select(r => new RoundTensors(g, r))];
        _thetaHold = Unbounded(g, holdOut.Theta);
        _xHold = tensor(holdOut.X);
        _random = new torch.Generator(Seeds.Derive(seed, Seeds.Streams.Training));
        _holdOutSeed = Seeds.Derive(seed, Seeds.Streams.HoldOutScore);
        if (o.StandardizeInputs && fitStandardization)
        {
            var (theta, x) = (_rounds[0].Theta, _rounds[0].X);
            foreach (var (norm, values) in new[] { (g.XNorm, x), (g.ThetaNorm, theta), (d.XNorm, x), (d.ThetaNorm, theta) })
                norm?.Fit(values);
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

    internal static Tensor Unbounded(GeneratorNetwork g, float[,] theta)
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
            var latest = _log.Count > 0 ? _log[^1] : null;
            progress?.Report(new TrainingProgress(epoch, _o.MaxEpochs, latest?.Summary, latest));
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
        foreach (var (round, index) in Batches(steps))
        {
            var theta = round.Theta.index_select(0, index);
            var x = round.X.index_select(0, index);
            _optD.ZeroGrad();
            Tensor fake;
            using (no_grad()) fake = _g.ForwardUnbounded(x, Latent(round, x));
            // Fake first, then real: the order decides the spectral-norm power iterations, as in the original.
            var fakeLogits = _d.forward(fake, x);
            var realLogits = _d.forward(theta, x);
            var loss = round.Correction is not null
                ? GatsbiLoss.WeightedDiscriminator(realLogits, fakeLogits, round.RealWeights(index), round.FakeWeights(_g, fake, index))
                : GatsbiLoss.Discriminator(_o.Loss, realLogits, fakeLogits);
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
            foreach (var (round, index) in Batches(_o.GeneratorSteps))
            {
                var x = round.X.index_select(0, index);
                _optG.ZeroGrad();
                var fake = _g.ForwardUnbounded(x, Latent(round, x));
                var fakeLogits = _d.forward(fake, x);
                var loss = round.Correction is null
                    ? GatsbiLoss.Generator(_o.Loss, fakeLogits)
                    : GatsbiLoss.WeightedGenerator(_o.Loss, fakeLogits, round.FakeWeights(_g, fake.detach(), index));
                if (_o.EnergyScoreWeight > 0)
                {
                    var second = _g.ForwardUnbounded(x, Latent(x.shape[0]));
                    var theta = round.Theta.index_select(0, index);
                    var score = EnergyScore.Estimate(Standardized(fake), Standardized(second), Standardized(theta));
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
        var samples = Standardized(_g.ForwardUnboundedInPasses(x, z)).reshape(n, HoldOutScoreDraws, _g.ParameterDimension);
        return EnergyScore.Estimate(samples, Standardized(_thetaHold)).item<float>();
    }

    /// <summary>
    /// The batches of one phase. With one round: the first <paramref name="steps"/> batches of a fresh shuffle
    /// (fewer if the set has fewer batches). With several: each step picks a round uniformly, as the original
    /// (gatsbi/optimize/sequential.py) does regardless of the rounds' sizes, and takes the next batch of that round's shuffle
    /// (reshuffled when used up).
    /// </summary>
    private IEnumerable<(RoundTensors Round, Tensor Index)> Batches(int steps)
    {
        if (_rounds.Length == 1)
        {
            var only = _rounds[0];
            long n = only.Rows;
            var permutation = randperm(n, generator: _random);
            for (int s = 0; s < steps && (long)s * only.BatchSize < n; s++)
            {
                long start = (long)s * only.BatchSize;
                yield return (only, permutation.narrow(0, start, Math.Min(only.BatchSize, n - start)));
            }
            yield break;
        }
        var shuffles = new Tensor?[_rounds.Length];
        var next = new long[_rounds.Length];
        for (int s = 0; s < steps; s++)
        {
            int k = (int)randint(_rounds.Length, [1], generator: _random).item<long>();
            var round = _rounds[k];
            if (shuffles[k] is null || next[k] >= round.Rows)
            {
                shuffles[k] = randperm(round.Rows, generator: _random);
                next[k] = 0;
            }
            long take = Math.Min(round.BatchSize, round.Rows - next[k]);
            yield return (round, shuffles[k]!.narrow(0, next[k], take));
            next[k] += take;
        }
    }

    /// <summary>θ in the generator's standardised scale (as it is when the network has none), where the energy score is taken.</summary>
    private Tensor Standardized(Tensor theta) => _g.ThetaNorm?.forward(theta) ?? theta;

    private Tensor Latent(long rows) => randn([rows, _g.LatentDimension], generator: _random);

    /// <summary>Plain N(0, I) latents, or for an energy-based round the tilted ones (<see cref="RoundCorrection.TiltedLatent"/>).</summary>
    private Tensor Latent(RoundTensors round, Tensor x) =>
        round.Correction is { Kind: SequentialCorrection.EnergyBased } c
            ? c.TiltedLatent(_g, x, _random)
            : Latent(x.shape[0]);

    /// <summary>
    /// Hold-out metrics with both networks in evaluation mode, as gatsbi/optimize/base.py of the original GATSBI
    /// code logs them, except that the gradients are zeroed first so that the logged norms are this
    /// evaluation's alone (the original added them to the last training step's).
    /// </summary>
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
        foreach (var r in _rounds) r.Dispose();
        _thetaHold.Dispose();
        _xHold.Dispose();
        _random.Dispose();
        _optG.Dispose();
        _optD.Dispose();
        _average?.Dispose();
        _best?.Dispose();
        _committed?.Dispose();
    }

    /// <summary>One round's pairs as tensors (θ in the networks' space) and its per-row correction factors.</summary>
    private sealed class RoundTensors : IDisposable
    {
        private readonly Tensor? _realWeights, _fakeDataOdds;

        public RoundTensors(GeneratorNetwork g, TrainingRound round)
        {
            Theta = Unbounded(g, round.Data.Theta);
            X = tensor(round.Data.X);
            BatchSize = round.BatchSize;
            Correction = round.Correction;
            // The factors that depend only on the real pair are computed once per round, not per batch.
            if (Correction?.Kind == SequentialCorrection.ImportanceWeights)
                _realWeights = tensor(Correction.Ratios.Weights(round.Data.Theta, round.Data.X));
            else if (Correction?.Kind == SequentialCorrection.InverseImportanceWeights)
                _fakeDataOdds = tensor(Correction.Ratios.X.Odds(round.Data.X, 0));
        }

        public Tensor Theta { get; }
        public Tensor X { get; }
        public long Rows => Theta.shape[0];
        public int BatchSize { get; }
        public RoundCorrection? Correction { get; }

        /// <summary>a_i of the real term: w(θ_i, x_i) under importance weights, else none (all ones).</summary>
        public Tensor? RealWeights(Tensor index) => _realWeights?.index_select(0, index);

        /// <summary>
        /// b_i of the fake term under inverse importance weights, w̄(θ'_i, x_i) = odds₁(θ'_i) · odds₀(x_i), a
        /// constant computed from the generated θ' (mapped back to the prior's space); else none (all ones).
        /// </summary>
        public Tensor? FakeWeights(GeneratorNetwork g, Tensor fakeUnbounded, Tensor index)
        {
            if (_fakeDataOdds is null) return null;
            using var _ = no_grad();
            var theta = g.SupportTransform?.forward(fakeUnbounded) ?? fakeUnbounded;
            return Correction!.Ratios.Theta.Odds(theta, 1).mul_(_fakeDataOdds.index_select(0, index));
        }

        public void Dispose()
        {
            Theta.Dispose();
            X.Dispose();
            _realWeights?.Dispose();
            _fakeDataOdds?.Dispose();
        }
    }
}
