using Gatsbi.Distributions;
using Gatsbi.Randomness;

namespace Gatsbi.Simulation;

/// <summary>
/// Draws θ from a prior and runs a simulator on all cores. Work is cut into fixed-size chunks, each with
/// a seed derived from the root seed and the chunk index, so the result is the same whatever the number
/// of threads.
/// </summary>
public sealed class SimulationRunner
{
    /// <summary>Rows per chunk; fixed (not derived from the thread count) so that results are reproducible.</summary>
    public int ChunkSize { get; init; } = 256;

    /// <summary>Maximum worker threads; null uses all cores.</summary>
    public int? MaxThreads { get; init; }

    public SimulationSet Run(IPrior prior, ISimulator simulator, int count, ulong seed, IProgress<WorkProgress>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (prior.Dimension != simulator.ParameterDimension)
            throw new ArgumentException($"Prior has dimension {prior.Dimension} but the simulator takes {simulator.ParameterDimension} parameters.");
        var theta = prior.Sample(count, new Rng(Seeds.Derive(seed, Seeds.Streams.Prior)));
        return new SimulationSet(theta, Simulate(simulator, theta, seed, progress));
    }

    /// <summary>Simulates one x for every row of <paramref name="theta"/>.</summary>
    public float[,] Simulate(ISimulator simulator, float[,] theta, ulong seed, IProgress<WorkProgress>? progress = null)
    {
        if (theta.GetLength(1) != simulator.ParameterDimension)
            throw new ArgumentException($"θ has {theta.GetLength(1)} columns; the simulator takes {simulator.ParameterDimension}.");
        if (ChunkSize < 1) throw new ArgumentException($"SimulationRunner.ChunkSize must be positive; got {ChunkSize}.");
        int n = theta.GetLength(0);
        var x = new float[n, simulator.DataDimension];
        int chunks = (n + ChunkSize - 1) / ChunkSize;
        int done = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = MaxThreads ?? Environment.ProcessorCount };
        progress?.Report(new WorkProgress(0, n));
        Parallel.For(0, chunks, options, chunk =>
        {
            int start = chunk * ChunkSize;
            int rows = Math.Min(ChunkSize, n - start);
            var thetaChunk = theta.SliceRows(start, rows);
            var xChunk = new float[rows, simulator.DataDimension];
            simulator.Simulate(thetaChunk, xChunk, new Rng(Seeds.Derive(seed, Seeds.Streams.Simulation, (ulong)chunk)));
            for (int i = 0; i < rows; i++) xChunk.Row(i).CopyTo(x.Row(start + i));
            progress?.Report(new WorkProgress(Interlocked.Add(ref done, rows), n));
        });
        return x;
    }
}
