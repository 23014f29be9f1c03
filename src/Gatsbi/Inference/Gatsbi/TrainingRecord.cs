namespace Gatsbi.Inference.Gatsbi;

/// <summary>
/// One row of the training log: losses, gradient norms and discriminator outputs on the hold-out set
/// after <paramref name="Epoch"/> epochs. The gradient norms come from freshly zeroed gradients (the
/// original GATSBI code, gatsbi/optimize/base.py, leaves training gradients in them). <paramref name="HoldOutEnergyScore"/> is the
/// energy score of the generator (its weight average when one is kept) on the hold-out pairs, in
/// standardised θ units: lower is a better posterior.
/// </summary>
/// <param name="Epoch">Epochs completed when the row was logged.</param>
/// <param name="DiscriminatorLoss">The unweighted discriminator loss on the hold-out pairs (fake θ detached).</param>
/// <param name="GeneratorLoss">The unweighted generator loss on the hold-out pairs.</param>
/// <param name="DiscriminatorGradNorm">Global L2 norm of the discriminator's gradients of both hold-out losses.</param>
/// <param name="GeneratorGradNorm">Global L2 norm of the generator's gradient of the hold-out generator loss.</param>
/// <param name="DRealMean">Mean of D's sigmoid output on real hold-out pairs, in [0, 1].</param>
/// <param name="DRealStd">Sample standard deviation (N − 1) of D's output on real hold-out pairs.</param>
/// <param name="DFakeMean">Mean of D's sigmoid output on generated hold-out pairs, in [0, 1].</param>
/// <param name="DFakeStd">Sample standard deviation (N − 1) of D's output on generated hold-out pairs.</param>
/// <param name="GeneratorLearningRate">The generator's learning rate at this epoch under the schedule.</param>
/// <param name="Elapsed">Wall-clock time since this member's training started.</param>
/// <param name="HoldOutEnergyScore">The hold-out energy score described above; NaN when not recorded.</param>
public sealed record TrainingRecord(
    int Epoch,
    double DiscriminatorLoss,
    double GeneratorLoss,
    double DiscriminatorGradNorm,
    double GeneratorGradNorm,
    double DRealMean,
    double DRealStd,
    double DFakeMean,
    double DFakeStd,
    double GeneratorLearningRate,
    TimeSpan Elapsed,
    double HoldOutEnergyScore = double.NaN)
{
    /// <summary>The hold-out losses and discriminator means in one line, as progress bars show them.</summary>
    public string Summary => FormattableString.Invariant(
        $"D loss {DiscriminatorLoss:F3}  G loss {GeneratorLoss:F3}  D(real) {DRealMean:F3}  D(fake) {DFakeMean:F3}");
}

/// <summary>Why training ended.</summary>
public enum StopReason
{
    /// <summary>All <see cref="GatsbiOptions.MaxEpochs"/> epochs ran.</summary>
    EpochBudget,

    /// <summary><see cref="GatsbiOptions.MaxTrainingTime"/> ran out; training ended after the current epoch.</summary>
    TimeBudget,

    /// <summary>The cancellation token was signalled; training ended after the current epoch and the weights trained so far are kept.</summary>
    Cancelled,

    /// <summary>A generator weight became NaN or infinite.</summary>
    GeneratorNotFinite,

    /// <summary>A discriminator weight became NaN or infinite.</summary>
    DiscriminatorNotFinite,

    /// <summary>D's outputs on the hold-out set stopped varying (mean standard deviation below 10⁻⁶ on both real and fake pairs over the last 10 logs).</summary>
    DiscriminatorOverconfident,

    /// <summary>The generator loss vanished (mean |loss| below 10⁻⁶ over the last 10 logs); with the saturating loss, the discriminator has won.</summary>
    GeneratorLossVanished,

    /// <summary>The generator's gradient norm vanished (mean over the last 20 logs below 10⁻⁴ × its learning rate).</summary>
    GeneratorGradientVanished,

    /// <summary>D no longer separates real from generated hold-out pairs (|mean(D(real) − D(fake))| below <see cref="GatsbiOptions.StopThreshold"/> over the last 10 logs).</summary>
    DiscriminatorCannotSeparate,
}
