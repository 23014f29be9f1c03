using Gatsbi.Simulation;

namespace Gatsbi.Inference.Abc;

/// <summary>Checks and steps that rejection and SMC ABC share.</summary>
internal static class AbcRun
{
    /// <summary>
    /// Simulates every row of <paramref name="theta"/> with chunk seeds derived from <paramref name="seed"/>, so
    /// x depends on the seed and not on the thread count. Progress is reported as
    /// <paramref name="offset"/> + rows done of <paramref name="total"/>.
    /// </summary>
    public static float[,] Simulate(SimulationRunner runner, ISimulator simulator, float[,] theta, ulong seed,
        IProgress<WorkProgress>? progress, long offset, long total, string status, CancellationToken cancellation)
    {
        var x = new float[theta.GetLength(0), simulator.DataDimension];
        var shifted = progress is null ? null : new ShiftedProgress(progress, offset, total, status);
        runner.SimulateChunks(simulator, theta, seed, chunk =>
        {
            for (int i = 0; i < chunk.Rows; i++) chunk.X.Row(i).CopyTo(x.Row(chunk.Start + i));
        }, progress: shifted, cancellation: cancellation);
        return x;
    }

    /// <summary>Indices ordered by increasing distance; ties keep their original order.</summary>
    public static int[] OrderByDistance(IReadOnlyList<double> distances) =>
        Enumerable.Range(0, distances.Count).OrderBy(i => distances[i]).ToArray();

    /// <summary>
    /// The <paramref name="keep"/> closest indices. Failed simulations are infinitely far; when fewer than
    /// <paramref name="keep"/> succeeded there is nothing sensible to keep.
    /// </summary>
    public static int[] Closest(double[] distances, int keep)
    {
        var order = OrderByDistance(distances);
        if (!double.IsFinite(distances[order[keep - 1]]))
        {
            int finite = distances.Count(double.IsFinite);
            throw new InvalidOperationException($"Only {finite} of {distances.Length} simulations gave finite data; ABC keeps the {keep} closest, so it needs at least that many.");
        }
        return order[..keep];
    }

    public static double[,] ToDouble(float[,] matrix)
    {
        var result = new double[matrix.GetLength(0), matrix.GetLength(1)];
        for (int i = 0; i < matrix.GetLength(0); i++)
            for (int j = 0; j < matrix.GetLength(1); j++) result[i, j] = matrix[i, j];
        return result;
    }

    private sealed class ShiftedProgress(IProgress<WorkProgress> target, long offset, long total, string status) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => target.Report(new WorkProgress(offset + value.Done, total, status));
    }
}
