using Gatsbi.Nn.Flows;

namespace Gatsbi.Inference.Npe;

/// <summary>
/// Settings of neural posterior estimation (Papamakarios and Murray 2016; Greenberg et al. 2019): a
/// conditional flow q(θ | x) trained by maximum likelihood on simulated pairs. <see cref="Sbibm"/> is the
/// configuration behind the published sbibm NPE numbers (sbibm 1.0 with sbi 0.14.2).
/// </summary>
public sealed record NpeOptions
{
    /// <summary>The conditional flow; by default sbi's neural spline flow (5 transforms, 50 hidden units, 10 bins).</summary>
    public FlowSpec Flow { get; init; } = new();

    /// <summary>Adam's learning rate (β = (0.9, 0.999), constant); 5 × 10⁻⁴ as sbi's default.</summary>
    public double LearningRate { get; init; } = 5e-4;

    /// <summary>Rows per gradient step, clipped to the training rows; incomplete last batches are dropped, as in sbi.</summary>
    public int TrainingBatchSize { get; init; } = 10_000;

    /// <summary>Fraction of the simulations held out to decide when to stop.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Epochs without a strictly better validation log-probability before training stops.</summary>
    public int Patience { get; init; } = 20;

    /// <summary>Total L2 norm the gradient is clipped to.</summary>
    public double MaxGradNorm { get; init; } = 5;

    /// <summary>Epoch cap; unlimited by default, so that training ends on <see cref="Patience"/> as in sbi.</summary>
    public int MaxEpochs { get; init; } = int.MaxValue;

    /// <summary>
    /// Wall-clock cap, checked after each epoch; unlimited by default. A finite cap makes the epoch count, and
    /// so the result, depend on machine speed.
    /// </summary>
    public TimeSpan MaxTrainingTime { get; init; } = TimeSpan.MaxValue;

    /// <summary>Per-dimension z-scoring of θ and x from all simulations (sbi's z_score_theta / z_score_x).</summary>
    public bool ZScore { get; init; } = true;

    /// <summary>
    /// TorchSharp intra-op threads; one (the default) keeps a seed's result the same on a given machine whatever
    /// its core count (CPUs with other instruction sets may still differ in the last bits).
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// sbibm's NPE: NSF (5 blocks, 50 hidden, 10 bins), Adam 5e-4, batch min(10,000, training rows), 10%
    /// validation, patience 20, gradient clip 5. At 1k and 10k simulations that is full-batch training.
    /// </summary>
    public static NpeOptions Sbibm() => new();

    /// <summary>As <see cref="Sbibm"/> with a masked autoregressive flow.</summary>
    public static NpeOptions SbibmMaf() => new() { Flow = new FlowSpec(FlowKind.Maf) };

    /// <summary>Checks every setting, the flow's included; <see cref="NpeTrainer.Train(global::Gatsbi.Simulation.SimulationSet, global::Gatsbi.Distributions.IPrior, ulong, IProgress{global::Gatsbi.Inference.TrainingProgress}?, CancellationToken)"/> calls it.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it and its value.</exception>
    public void Validate()
    {
        Flow.Validate();
        if (!(LearningRate > 0)) throw new ArgumentException($"NPE LearningRate must be positive; got {LearningRate}.");
        if (TrainingBatchSize < 1) throw new ArgumentException($"NPE TrainingBatchSize must be positive; got {TrainingBatchSize}.");
        if (!(ValidationFraction > 0 && ValidationFraction < 1)) throw new ArgumentException($"NPE ValidationFraction must lie in (0, 1); got {ValidationFraction}.");
        if (Patience < 1) throw new ArgumentException($"NPE Patience must be positive; got {Patience}.");
        if (!(MaxGradNorm > 0)) throw new ArgumentException($"NPE MaxGradNorm must be positive (use +∞ for no clipping); got {MaxGradNorm}.");
        if (MaxEpochs < 1) throw new ArgumentException($"NPE MaxEpochs must be positive; got {MaxEpochs}.");
        if (Threads < 1) throw new ArgumentException($"NPE Threads must be positive; got {Threads}.");
    }
}
