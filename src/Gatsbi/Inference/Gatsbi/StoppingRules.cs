namespace Gatsbi.Inference.Gatsbi;

/// <summary>
/// The published early-stopping rules, checked after each hold-out log in this order; the first match
/// ends training (gatsbi_method.md §1.8).
/// </summary>
public static class StoppingRules
{
    private const double StdThreshold = 1e-6;
    private const double GeneratorLossThreshold = 1e-6;
    private const double GradientThresholdPerLearningRate = 1e-4;

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
