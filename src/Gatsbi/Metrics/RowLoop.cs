namespace Gatsbi.Metrics;

/// <summary>
/// Runs a body for rows 0..count−1 on a fixed set of workers that take rows one at a time. Each worker
/// makes its state (buffers, histograms) once, which Parallel.For's local state would redo for every task
/// replica it starts.
/// </summary>
internal static class RowLoop
{
    public static void Run<TState>(int count, int threads, CancellationToken cancellation,
        Func<TState> newState, Action<int, TState> body, Action<TState>? finish = null)
    {
        int next = -1;
        int workers = Math.Min(threads, count);
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ =>
        {
            var state = newState();
            int row;
            while (!cancellation.IsCancellationRequested && (row = Interlocked.Increment(ref next)) < count)
                body(row, state);
            finish?.Invoke(state);
        });
        cancellation.ThrowIfCancellationRequested();
    }
}
