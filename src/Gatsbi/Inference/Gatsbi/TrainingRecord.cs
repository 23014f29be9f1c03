namespace Gatsbi.Inference.Gatsbi;

/// <summary>
/// One row of the training log: losses, gradient norms and discriminator outputs on the hold-out set
/// after <paramref name="Epoch"/> epochs. The gradient norms come from freshly zeroed gradients (the
/// reference implementation leaves training gradients in them). <paramref name="HoldOutEnergyScore"/> is the
/// energy score of the generator (its weight average when one is kept) on the hold-out pairs, in
/// standardised θ units: lower is a better posterior.
/// </summary>
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
    double HoldOutEnergyScore = double.NaN);

/// <summary>Why training ended.</summary>
public enum StopReason
{
    EpochBudget,
    TimeBudget,
    Cancelled,
    GeneratorNotFinite,
    DiscriminatorNotFinite,
    DiscriminatorOverconfident,
    GeneratorLossVanished,
    GeneratorGradientVanished,
    DiscriminatorCannotSeparate,
}
