namespace Gatsbi.Inference.Gatsbi;

/// <summary>
/// The published early-stopping rules, checked after each hold-out log in this order; the first match
/// ends training (as in the original GATSBI code, github.com/mackelab/gatsbi, gatsbi/optimize/base.py; its
/// 72-hour wall-clock rule is left out, see <see cref="GatsbiOptions.MaxTrainingTime"/>).
/// </summary>
public static class StoppingRules
{
    private const double StdThreshold = 1e-6;
    private const double GeneratorLossThreshold = 1e-6;
    private const double GradientThresholdPerLearningRate = 1e-4;

    /// <summary>
    /// Applies the rules to the hold-out log so far: non-finite generator weights, then non-finite
    /// discriminator weights; then, on the log, a discriminator whose outputs have collapsed (mean of the last
    /// 10 real and fake standard deviations both below 10⁻⁶, with at least 10 rows), a vanishing generator loss
    /// (mean |loss| of the last ≤ 10 rows below 10⁻⁶), a vanishing generator gradient (mean norm of the last
    /// ≤ 20 rows below 10⁻⁴ × the learning rate) and a discriminator that no longer separates real from fake
    /// (|mean(D(real) − D(fake))| over the last 10 rows below <paramref name="stopThreshold"/>, with at least 10 rows).
    /// </summary>
    /// <param name="log">The hold-out log rows so far, oldest first.</param>
    /// <param name="generatorFinite">Whether every generator weight is finite.</param>
    /// <param name="discriminatorFinite">Whether every discriminator weight is finite.</param>
    /// <param name="generatorLearningRate">The generator's current learning rate, which scales the gradient rule.</param>
    /// <param name="stopThreshold"><see cref="GatsbiOptions.StopThreshold"/>.</param>
    /// <returns>The first rule that fires, or null to go on training.</returns>
    public static StopReason? Check(
        IReadOnlyList<TrainingRecord> log,
        bool generatorFinite,
        bool discriminatorFinite,
        double generatorLearningRate,
        double stopThreshold)
    {
        if (!generatorFinite) return StopReason.GeneratorNotFinite;
        if (!discriminatorFinite) return StopReason.DiscriminatorNotFinite;
        if (log.Count == 0) return null;

        var last10 = Tail(log, 10);
        if (log.Count >= 10 && last10.Average(r => r.DFakeStd) < StdThreshold && last10.Average(r => r.DRealStd) < StdThreshold)
            return StopReason.DiscriminatorOverconfident;
        if (last10.Average(r => Math.Abs(r.GeneratorLoss)) < GeneratorLossThreshold)
            return StopReason.GeneratorLossVanished;
        if (Math.Abs(Tail(log, 20).Average(r => r.GeneratorGradNorm)) < GradientThresholdPerLearningRate * generatorLearningRate)
            return StopReason.GeneratorGradientVanished;
        if (log.Count >= 10 && Math.Abs(last10.Average(r => r.DRealMean - r.DFakeMean)) < stopThreshold)
            return StopReason.DiscriminatorCannotSeparate;
        return null;
    }

    private static IEnumerable<TrainingRecord> Tail(IReadOnlyList<TrainingRecord> log, int count) =>
        log.Skip(Math.Max(0, log.Count - count));
}
