using Gatsbi.Nn;

namespace Gatsbi.Inference.Gatsbi;

/// <summary>
/// Chooses TorchSharp's intra-op thread count when the options leave it open. Small networks train on one
/// thread: libtorch's parallel reductions round differently with more threads, so one thread makes a seed
/// give the same result on a given machine whatever its core count (not across CPUs, whose kernels differ;
/// docs/architecture.md). For the Fast preset on two_moons two threads would be 1.36×
/// faster on a 2-core machine (docs/performance.md); set <see cref="GatsbiOptions.Threads"/> to trade
/// that reproducibility for speed. Large networks (the Paper preset) use all cores, where speed dominates.
/// </summary>
public static class ThreadPolicy
{
    /// <summary>Multiply-adds per discriminator forward pass on one batch above which all cores are used (Fast on two_moons: 34 M; Paper: 17 G).</summary>
    public const double ParallelWorkThreshold = 50e6;

    /// <summary>
    /// One thread, or <see cref="Environment.ProcessorCount"/> when the discriminator's multiply-adds per batch,
    /// Σ (layer inputs × units) over its hidden layers × <paramref name="batchSize"/>, exceed
    /// <see cref="ParallelWorkThreshold"/>.
    /// </summary>
    /// <param name="discriminator">The MLP discriminator to be trained.</param>
    /// <param name="inputWidth">Its input width, d_θ + d_x.</param>
    /// <param name="batchSize">Training batch size.</param>
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
