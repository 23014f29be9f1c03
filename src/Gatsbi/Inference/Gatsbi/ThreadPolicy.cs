using Gatsbi.Nn;

namespace Gatsbi.Inference.Gatsbi;

/// <summary>
/// Chooses TorchSharp's intra-op thread count when the options leave it open. Small networks train on one
/// thread: libtorch's parallel reductions round differently with more threads, so one thread makes a seed
/// give the same result on every machine. For the Fast preset on two_moons two threads would be 1.36×
/// faster on a 2-core machine (docs/performance.md); set <see cref="GatsbiOptions.Threads"/> to trade
/// that reproducibility for speed. Large networks (the Paper preset) use all cores, where speed dominates.
/// </summary>
public static class ThreadPolicy
{
    /// <summary>Multiply-adds per discriminator forward pass on one batch above which all cores are used (Fast on two_moons: 34 M; Paper: 17 G).</summary>
    public const double ParallelWorkThreshold = 50e6;

    public static int Choose(DiscriminatorSpec discriminator, int inputWidth, int batchSize)
    {
        double work = 0;
        int previous = inputWidth;
        foreach (int units in discriminator.HiddenUnits)
        {
            work += (double)previous * units;
            previous = units;
        }
        work *= batchSize;
        return work > ParallelWorkThreshold ? Environment.ProcessorCount : 1;
    }
}
