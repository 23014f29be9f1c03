using Gatsbi.Inference.Abc;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Inference.Npe;

namespace Gatsbi.Inference;

/// <summary>One named series of a training plot.</summary>
/// <param name="Name">Legend entry, e.g. "generator loss".</param>
/// <param name="X">x values (epochs or populations).</param>
/// <param name="Y">y values, one per x; may contain NaN where a value was not logged.</param>
public sealed record TrainingCurve(string Name, double[] X, double[] Y);

/// <summary>What a method reports about its own progress, as series against a common x-axis, ready to plot.</summary>
/// <param name="XLabel">Label of the common x axis, e.g. "epoch".</param>
/// <param name="YLabel">Label of the y axis.</param>
/// <param name="Series">The curves, in legend order.</param>
public sealed record TrainingCurves(string XLabel, string YLabel, IReadOnlyList<TrainingCurve> Series)
{
    /// <summary>GATSBI: losses, mean discriminator outputs and the energy score on the hold-out set.</summary>
    public static TrainingCurves? Of(IReadOnlyList<TrainingRecord> log)
    {
        if (log.Count == 0) return null;
        var epochs = log.Select(r => (double)r.Epoch).ToArray();
        return new TrainingCurves("epoch", "value",
        [
            new("discriminator loss", epochs, [.. log.Select(r => r.DiscriminatorLoss)]),
            new("generator loss", epochs, [.. log.Select(r => r.GeneratorLoss)]),
            new("mean D(real)", epochs, [.. log.Select(r => r.DRealMean)]),
            new("mean D(fake)", epochs, [.. log.Select(r => r.DFakeMean)]),
            new("hold-out energy score", epochs, [.. log.Select(r => r.HoldOutEnergyScore)]),
        ]);
    }

    /// <summary>NPE: training loss and validation loss, both −log q(θ | x) per pair.</summary>
    public static TrainingCurves? Of(IReadOnlyList<NpeEpoch> log)
    {
        if (log.Count == 0) return null;
        var epochs = log.Select(r => (double)r.Epoch).ToArray();
        return new TrainingCurves("epoch", "−log q(θ | x)",
        [
            new("training", epochs, [.. log.Select(r => r.TrainingLoss)]),
            new("validation", epochs, [.. log.Select(r => -r.ValidationLogProb)]),
        ]);
    }

    /// <summary>ABC: the tolerance ε of each population (one point for rejection ABC).</summary>
    public static TrainingCurves Of(AbcResult result)
    {
        var populations = Enumerable.Range(1, result.Epsilons.Count).Select(i => (double)i).ToArray();
        return new TrainingCurves("population", "ε (distance to x_o)", [new("ε", populations, [.. result.Epsilons])]);
    }
}
