using Gatsbi.Nn;

namespace Gatsbi.Inference.Gatsbi;

/// <summary>
/// Chooses TorchSharp's intra-op thread count. Small networks on small batches run faster on one
/// thread (threading overhead dominates); large matrix products profit from all cores. The threshold
/// is the measured crossover on a 2-core machine (docs/performance.md).
/// </summary>
public static class ThreadPolicy
{
    /// <summary>Multiply-adds per discriminator forward pass on one batch above which all cores are used.</summary>
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
