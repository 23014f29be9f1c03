namespace Gatsbi.Simulation.External;

/// <summary>The rows of one <see cref="ExternalProcessSimulator.Simulate(float[,], float[,], Randomness.Rng, CancellationToken)"/> call, shared by the workers that simulate them.</summary>
internal sealed class JobBatch(float[,] theta, float[,] x, ulong[] seeds, CancellationToken cancellation)
{
    private readonly ManualResetEventSlim _done = new();
    private readonly Lock _gate = new();
    private int _remaining = theta.GetLength(0);
    private (int Row, Exception Error)? _failure;

    public float[,] Theta { get; } = theta;
    public float[,] X { get; } = x;
    public ulong[] Seeds { get; } = seeds;
    public CancellationToken Cancellation { get; } = cancellation;
    public int Rows => Theta.GetLength(0);

    /// <summary>The first row not yet handed to a worker; changed only under the queue's lock.</summary>
    public int NextRow { get; set; }

    /// <summary>True once a row failed or the caller cancelled: the rows still queued are skipped, not simulated.</summary>
    public bool Stopped
    {
        get
        {
            lock (_gate) return _failure is not null || Cancellation.IsCancellationRequested;
        }
    }

    public void Finish(int rows)
    {
        if (Interlocked.Add(ref _remaining, -rows) == 0) _done.Set();
    }

    /// <summary>Records a failure of rows <paramref name="first"/>…; of several, the one of the lowest row is reported.</summary>
    public void Fail(int first, int rows, Exception error)
    {
        lock (_gate)
            if (_failure is not { } known || first < known.Row) _failure = (first, error);
        Finish(rows);
    }

    /// <summary>Waits for every row, then throws the cancellation or the failure, if any.</summary>
    public void Wait()
    {
        _done.Wait();
        Cancellation.ThrowIfCancellationRequested();
        if (_failure is { Error: var error }) throw error;
    }
}

/// <summary>
/// The rows waiting for a worker, in the order they were added. Workers take runs of consecutive rows of
/// one batch, so that one request never mixes two batches.
/// </summary>
internal sealed class JobQueue
{
    private readonly Queue<JobBatch> _batches = new();
    private readonly object _gate = new(); // a plain object: the workers wait on it with Monitor.Wait
    private int _queuedRows;
    private bool _closed;

    public void Add(JobBatch batch)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _batches.Enqueue(batch);
            _queuedRows += batch.Rows;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// Waits for rows and takes up to <paramref name="maxRows"/> of them, but no more than an even share of
    /// the queue among <paramref name="workers"/>, so that a short queue still keeps every worker busy.
    /// False once the queue is closed.
    /// </summary>
    public bool TryTake(int maxRows, int workers, out JobBatch batch, out int first, out int count)
    {
        lock (_gate)
        {
            while (_batches.Count == 0 && !_closed) Monitor.Wait(_gate);
            if (_closed)
            {
                (batch, first, count) = (null!, 0, 0);
                return false;
            }
            batch = _batches.Peek();
            int share = (_queuedRows + workers - 1) / workers;
            count = Math.Clamp(share, 1, Math.Min(maxRows, batch.Rows - batch.NextRow));
            first = batch.NextRow;
            batch.NextRow += count;
            _queuedRows -= count;
            if (batch.NextRow == batch.Rows) _batches.Dequeue();
            return true;
        }
    }

    /// <summary>Closes the queue: waiting workers return; the rows never taken are returned for the caller to fail.</summary>
    public List<(JobBatch Batch, int First, int Count)> Close()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.PulseAll(_gate);
            var left = _batches.Select(b => (b, b.NextRow, b.Rows - b.NextRow)).ToList();
            _batches.Clear();
            return left;
        }
    }
}
