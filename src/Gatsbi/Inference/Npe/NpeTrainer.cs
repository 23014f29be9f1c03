using System.Diagnostics;
using Gatsbi.Distributions;
using Gatsbi.Native;
using Gatsbi.Nn;
using Gatsbi.Nn.Flows;
using Gatsbi.Posteriors;
using Gatsbi.Randomness;
using Gatsbi.Simulation;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatsbi.Inference.Npe;

/// <summary>One epoch of NPE training: mean training loss (−log q) and mean validation log q(θ | x).</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="TrainingLoss">Mean over the epoch's batches of the batch mean −log q(θ | x), in nats and in θ's own units (the z-scoring's Jacobian is included).</param>
/// <param name="ValidationLogProb">Mean log q(θ | x) over the validation pairs after the epoch; −∞ when it was not finite.</param>
/// <param name="Elapsed">Wall-clock time since training started.</param>
public sealed record NpeEpoch(int Epoch, double TrainingLoss, double ValidationLogProb, TimeSpan Elapsed);

/// <summary>Why NPE training ended.</summary>
public enum NpeStopReason
{
    /// <summary>The validation log-probability did not improve for <see cref="NpeOptions.Patience"/> epochs.</summary>
    Converged,

    /// <summary><see cref="NpeOptions.MaxEpochs"/> epochs ran.</summary>
    EpochBudget,

    /// <summary><see cref="NpeOptions.MaxTrainingTime"/> ran out; training ended after the current epoch.</summary>
    TimeBudget,

    /// <summary>The cancellation token was signalled; training ended after the current epoch with the best weights so far.</summary>
    Cancelled,
}

/// <summary>
/// The outcome of <see cref="NpeTrainer.Train(global::Gatsbi.Simulation.SimulationSet, global::Gatsbi.Distributions.IPrior, ulong, IProgress{global::Gatsbi.Inference.TrainingProgress}?, CancellationToken)"/>: the posterior with the best validation weights, the
/// epoch log, and how training ended.
/// </summary>
/// <param name="Posterior">The posterior, holding the flow with the best validation weights; the caller owns and should dispose it.</param>
/// <param name="Log">One row per epoch trained.</param>
/// <param name="Epochs">Epochs trained.</param>
/// <param name="BestEpoch">The epoch whose weights the posterior uses (the best validation log-probability).</param>
/// <param name="StopReason">Why training ended.</param>
/// <param name="DroppedSimulations">Simulations dropped before training because θ or x held NaN or ±∞.</param>
/// <param name="Threads">TorchSharp intra-op threads used for training.</param>
/// <param name="Elapsed">Wall-clock time of training.</param>
public sealed record NpeResult(
    NpePosterior Posterior,
    IReadOnlyList<NpeEpoch> Log,
    int Epochs,
    int BestEpoch,
    NpeStopReason StopReason,
    int DroppedSimulations,
    int Threads,
    TimeSpan Elapsed) : IDisposable
{
    /// <summary>Disposes <see cref="Posterior"/> (its flow); a result used with <c>using</c> frees it at the end of the scope.</summary>
    public void Dispose() => Posterior.Dispose();
}

/// <summary>
/// Trains a conditional flow by maximum likelihood as sbi 0.14.2 does for one-round NPE: z-scoring from all
/// simulations, a random 90/10 split, Adam, shuffled batches with the incomplete one dropped, gradient-norm
/// clipping, and early stopping on the validation log-probability with the best weights restored.
/// One root seed fixes initialisation, split and batches.
/// </summary>
public sealed class NpeTrainer(NpeOptions options)
{
    /// <summary>Validation rows evaluated at once; bounds memory on large validation sets.</summary>
    private const int EvaluationChunk = 16_384;

    /// <summary>The settings this trainer uses; they are validated at the start of every <see cref="NpeTrainer.Train(global::Gatsbi.Simulation.SimulationSet, global::Gatsbi.Distributions.IPrior, ulong, IProgress{global::Gatsbi.Inference.TrainingProgress}?, CancellationToken)"/>.</summary>
    public NpeOptions Options { get; } = options;

    /// <summary>
    /// Trains on <paramref name="simulations"/> drawn from <paramref name="prior"/> and the simulator; the posterior
    /// rejects samples outside the prior's support, if it has one. Otherwise as
    /// <see cref="Train(SimulationSet, Support?, ulong, IProgress{TrainingProgress}?, CancellationToken)"/>.
    /// </summary>
    /// <param name="simulations">The (θ, x) pairs, one simulation per row.</param>
    /// <param name="prior">The prior the θ were drawn from.</param>
    /// <param name="seed">Decides the initial weights, the validation split and the batch order.</param>
    /// <param name="progress">Receives a report after every epoch; may be null.</param>
    /// <param name="cancellation">Ends training after the current epoch.</param>
    /// <returns>The result, which owns the posterior: dispose it (or its <see cref="NpeResult.Posterior"/>) when done.</returns>
    public NpeResult Train(SimulationSet simulations, IPrior prior, ulong seed,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default) =>
        Train(simulations, prior.Support, seed, progress, cancellation);

    /// <summary>
    /// Trains a fresh flow on <paramref name="simulations"/>; rows with NaN or ±∞ are dropped first and counted.
    /// The same seed, data and options give the same flow on the same machine and thread count. Cancelling ends
    /// training after the current epoch and returns the best weights so far.
    /// </summary>
    /// <param name="simulations">The (θ, x) pairs; a random <see cref="NpeOptions.ValidationFraction"/> of them (10 % by default) is held out for early stopping.</param>
    /// <param name="support">The prior's support, outside which the posterior rejects samples; null accepts every sample.</param>
    /// <param name="seed">Decides the initial weights, the validation split and the batch order.</param>
    /// <param name="progress">Receives a report after every epoch; may be null.</param>
    /// <param name="cancellation">Ends training after the current epoch.</param>
    /// <returns>The result, whose <see cref="NpeResult.Posterior"/> the caller owns and must dispose.</returns>
    /// <exception cref="ArgumentException">
    /// An option is invalid, too few finite simulations remain for 2 training and 1 validation pair, or the
    /// support's dimension differs from θ's.
    /// </exception>
    public NpeResult Train(SimulationSet simulations, Support? support, ulong seed,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        TorchRuntime.EnsureLoaded();
        Options.Validate();
        var (data, dropped) = simulations.DropNonFinite();
        int validation = (int)(data.Count - Math.Floor((1 - Options.ValidationFraction) * data.Count));
        int training = data.Count - validation;
        if (validation < 1 || training < 2)
            throw new ArgumentException($"NPE needs at least 2 training and 1 validation simulation; {data.Count} finite simulations (after dropping {dropped}) give {training} and {validation}.");
        if (support is not null && support.Dimension != data.ParameterDimension)
            throw new ArgumentException($"The support has dimension {support.Dimension}; the simulations have {data.ParameterDimension} parameters.");

        lock (TorchProcessState.Gate)
        {
            int previousThreads = get_num_threads();
            set_num_threads(Options.Threads);
            try
            {
                manual_seed(Seeds.ForTorch(Seeds.Derive(seed, Seeds.Streams.Networks)));
                var flow = new ConditionalFlow(data.ParameterDimension, data.DataDimension, Options.Flow);
                try
                {
                    var (log, reason, best, elapsed) = Fit(flow, data, training, seed, progress, cancellation);
                    flow.DetachFromDisposeScopes();
                    return new NpeResult(new NpePosterior(flow, support), log, log.Count, best, reason, dropped, Options.Threads, elapsed);
                }
                catch
                {
                    flow.Dispose();
                    throw;
                }
            }
            finally
            {
                set_num_threads(previousThreads);
            }
        }
    }

    private (List<NpeEpoch>, NpeStopReason, int, TimeSpan) Fit(ConditionalFlow flow, SimulationSet data, int training, ulong seed,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var theta = tensor(data.Theta);
        var x = tensor(data.X);
        if (Options.ZScore) flow.FitStandardization(theta, x);

        var order = tensor(new Rng(Seeds.Derive(seed, Seeds.Streams.Training)).Permutation(data.Count).Select(i => (long)i).ToArray());
        var trainTheta = theta.index_select(0, order.narrow(0, 0, training));
        var trainX = x.index_select(0, order.narrow(0, 0, training));
        var validTheta = theta.index_select(0, order.narrow(0, training, data.Count - training));
        var validX = x.index_select(0, order.narrow(0, training, data.Count - training));

        int batch = Math.Min(Options.TrainingBatchSize, training);
        int batches = training / batch;
        Parameter[] parameters = [.. flow.parameters()];
        using var optimizer = new AdamOptimizer(parameters, Options.LearningRate, 0.9, 0.999);
        using var best = new WeightCopy(parameters);
        using var shuffle = new torch.Generator(Seeds.Derive(seed, Seeds.Streams.Training, 1));
        double bestScore = double.NegativeInfinity;
        int bestEpoch = 0, sinceBest = 0;
        var log = new List<NpeEpoch>();
        NpeStopReason? reason = null;
        flow.train();
        while (reason is null)
        {
            int epoch = log.Count + 1;
            double lossSum = 0;
            using (NewDisposeScope())
            {
                // A full batch needs no shuffling: the mean loss does not depend on the order.
                var permutation = batches == 1 && batch == training ? null : randperm(training, generator: shuffle);
                for (int b = 0; b < batches; b++)
                {
                    using var step = NewDisposeScope();
                    var (thetaBatch, xBatch) = permutation is null
                        ? (trainTheta, trainX)
                        : (trainTheta.index_select(0, permutation.narrow(0, (long)b * batch, batch)), trainX.index_select(0, permutation.narrow(0, (long)b * batch, batch)));
                    optimizer.ZeroGrad();
                    var loss = flow.LogProb(thetaBatch, xBatch).mean().neg();
                    loss.backward();
                    if (!double.IsPositiveInfinity(Options.MaxGradNorm)) nn.utils.clip_grad_norm_(parameters, Options.MaxGradNorm);
                    optimizer.Step();
                    lossSum += loss.item<float>();
                }
            }
            double score = ValidationLogProb(flow, validTheta, validX);
            // Strictly better, as sbi: a plateau counts towards the patience.
            if (score > bestScore)
            {
                bestScore = score;
                bestEpoch = epoch;
                sinceBest = 0;
                best.CopyFrom(parameters);
            }
            else sinceBest++;
            log.Add(new NpeEpoch(epoch, lossSum / batches, score, clock.Elapsed));
            progress?.Report(new TrainingProgress(epoch, Math.Min(Options.MaxEpochs, epoch + Options.Patience - sinceBest),
                FormattableString.Invariant($"validation log q {score:F3} (best {bestScore:F3} at epoch {bestEpoch})")));

            if (sinceBest >= Options.Patience) reason = NpeStopReason.Converged;
            else if (epoch >= Options.MaxEpochs) reason = NpeStopReason.EpochBudget;
            else if (cancellation.IsCancellationRequested) reason = NpeStopReason.Cancelled;
            else if (clock.Elapsed > Options.MaxTrainingTime) reason = NpeStopReason.TimeBudget;
        }
        best.CopyTo(parameters);
        flow.eval();
        return (log, reason.Value, bestEpoch, clock.Elapsed);
    }

    private static double ValidationLogProb(ConditionalFlow flow, Tensor theta, Tensor x)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        double sum = 0;
        long rows = theta.shape[0];
        for (long start = 0; start < rows; start += EvaluationChunk)
        {
            long n = Math.Min(EvaluationChunk, rows - start);
            sum += flow.LogProb(theta.narrow(0, start, n), x.narrow(0, start, n)).to_type(ScalarType.Float64).sum().item<double>();
        }
        // A non-finite score (a diverged network) never counts as an improvement.
        double mean = sum / rows;
        return double.IsFinite(mean) ? mean : double.NegativeInfinity;
    }
}
