using Gatsbi.Randomness;

namespace Gatsbi.Simulation.External;

/// <summary>
/// A simulator written in any language: a pool of long-lived worker processes of one command, each
/// reading parameters on standard input and writing data on standard output in the line or binary
/// protocol (docs/external-simulators.md in the repository). Every row gets its own seed, drawn in row order from the
/// batch's random generator, so the data depend on the seed and θ alone, not on the number of workers or
/// which worker ran the row.
/// <para>
/// A worker that exits, hangs past <see cref="ExternalSimulatorOptions.Timeout"/> or replies something
/// other than D numbers fails its row with an <see cref="ExternalSimulatorException"/>; it is killed and a
/// fresh one takes its place for later rows. Dispose ends all workers; on Linux none outlives this process
/// even when it is killed outright (docs/external-simulators.md, "When Gatsbi is killed").
/// </para>
/// </summary>
public sealed class ExternalProcessSimulator : ICancellableSimulator, IDisposable
{
    private static readonly TimeSpan ShutdownWait = TimeSpan.FromSeconds(2);

    private readonly WireProtocol _protocol;
    private readonly JobQueue _queue = new();
    private readonly Slot[] _slots;
    private readonly Thread[] _threads;
    private int _disposed;

    /// <summary>Starts <see cref="ExternalSimulatorOptions.Workers"/> worker processes of <paramref name="command"/> now, so that a command that cannot start fails here rather than mid-run.</summary>
    /// <param name="command">The worker program.</param>
    /// <param name="parameterDimension">Values of θ sent per row; zero or more.</param>
    /// <param name="dataDimension">Values of x expected back per row; at least 1.</param>
    /// <param name="options">Protocol, workers and timeout; the defaults (line protocol, one worker per core, no timeout) when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parameterDimension"/> is negative or <paramref name="dataDimension"/> is below 1.</exception>
    /// <exception cref="ArgumentException">An option is out of range, or the program cannot be started.</exception>
    public ExternalProcessSimulator(ExternalCommand command, int parameterDimension, int dataDimension, ExternalSimulatorOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterDimension);
        ArgumentOutOfRangeException.ThrowIfLessThan(dataDimension, 1);
        Options = options ?? new ExternalSimulatorOptions();
        Options.Validate();
        Command = command;
        ParameterDimension = parameterDimension;
        DataDimension = dataDimension;
        _protocol = WireProtocol.For(Options.Protocol);
        // All workers start now, so that a command that cannot start fails here rather than mid-run.
        _slots = new Slot[Options.Workers];
        try
        {
            for (int w = 0; w < _slots.Length; w++) _slots[w] = new Slot(WorkerProcess.Start(command, _protocol));
        }
        catch
        {
            foreach (var slot in _slots) slot?.Replace(null);
            throw;
        }
        _threads = _slots.Select((slot, w) => new Thread(() => Serve(slot)) { IsBackground = true, Name = $"simulator worker {w}" }).ToArray();
        foreach (var thread in _threads) thread.Start();
        AppDomain.CurrentDomain.ProcessExit += KillAll;
    }

    /// <summary>The worker program.</summary>
    public ExternalCommand Command { get; }

    /// <summary>The validated settings.</summary>
    public ExternalSimulatorOptions Options { get; }

    /// <inheritdoc/>
    public int ParameterDimension { get; }

    /// <inheritdoc/>
    public int DataDimension { get; }

    /// <summary>Process ids of the running workers (for diagnostics; a failed worker is replaced by one with a new id).</summary>
    public IReadOnlyList<int> WorkerProcessIds => _slots.Select(s => s.Process?.Id).OfType<int>().ToArray();

    /// <summary>As <see cref="Simulate(float[,], float[,], Rng, CancellationToken)"/>, without cancellation.</summary>
    public void Simulate(float[,] theta, float[,] x, Rng rng) => Simulate(theta, x, rng, CancellationToken.None);

    /// <summary>
    /// Sends the rows of <paramref name="theta"/> to the workers, each with a seed drawn from <paramref name="rng"/>
    /// in row order, and waits until every row of <paramref name="x"/> is filled. Safe to call from several threads.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The simulator was disposed.</exception>
    /// <exception cref="ArgumentException"><paramref name="theta"/> or <paramref name="x"/> has the wrong shape.</exception>
    /// <exception cref="ExternalSimulatorException">A worker failed on a row (exited, timed out, or replied out of protocol).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled; the workers on this batch's rows are killed.</exception>
    public void Simulate(float[,] theta, float[,] x, Rng rng, CancellationToken cancellation)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (theta.GetLength(1) != ParameterDimension)
            throw new ArgumentException($"θ has {theta.GetLength(1)} columns; the external simulator '{Command}' takes {ParameterDimension}.");
        if (x.GetLength(1) != DataDimension || x.GetLength(0) != theta.GetLength(0))
            throw new ArgumentException($"x is {x.GetLength(0)}×{x.GetLength(1)}; expected {theta.GetLength(0)}×{DataDimension}.");
        var seeds = new ulong[theta.GetLength(0)];
        for (int i = 0; i < seeds.Length; i++) seeds[i] = rng.NextUInt64();
        if (seeds.Length == 0) return;
        var batch = new JobBatch(theta, x, seeds, cancellation);
        _queue.Add(batch);
        batch.Wait();
    }

    /// <summary>
    /// Fails rows still waiting, closes each worker's standard input and kills those that have not exited
    /// within two seconds. Calling it again does nothing.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        AppDomain.CurrentDomain.ProcessExit -= KillAll;
        foreach (var (batch, first, count) in _queue.Close())
            batch.Fail(first, count, new ObjectDisposedException(nameof(ExternalProcessSimulator), "The external simulator was disposed while rows were waiting."));
        // End of input asks each worker to exit; those that do not within the wait are killed. A worker
        // thread still waiting for a reply then sees the output end and returns.
        foreach (var slot in _slots) slot.Process?.CloseInput();
        var deadline = DateTime.UtcNow + ShutdownWait;
        foreach (var slot in _slots) slot.Process?.ExitOrKill(deadline);
        foreach (var thread in _threads) thread.Join(ShutdownWait);
        foreach (var slot in _slots) slot.Replace(null);
    }

    private void KillAll(object? sender, EventArgs e)
    {
        foreach (var slot in _slots) slot.Process?.Kill();
    }

    /// <summary>One worker thread: takes runs of rows from the queue and simulates them in its slot's process.</summary>
    private void Serve(Slot slot)
    {
        int maxRows = _protocol.MaxRowsPerRequest(Options);
        while (_queue.TryTake(maxRows, _slots.Length, out var batch, out int first, out int count))
        {
            if (batch.Stopped)
            {
                batch.Finish(count);
                continue;
            }
            try
            {
                Exchange(slot, batch, first, count);
            }
            catch (ArgumentException e)
            {
                // The worker could not be started again.
                batch.Fail(first, count, Failure(batch, first, count, $"the worker could not be restarted: {e.Message}", null, []));
            }
        }
    }

    private void Exchange(Slot slot, JobBatch batch, int first, int count)
    {
        var process = slot.Process ?? slot.Replace(WorkerProcess.Start(Command, _protocol))!;
        var limit = Options.Timeout * count;
        bool timedOut = false;
        using var timer = limit is { } l ? new CancellationTokenSource(l) : new CancellationTokenSource();
        var onTimeout = timer.Token.Register(() =>
        {
            timedOut = true;
            process.Kill();
        });
        using var onCancel = batch.Cancellation.Register(process.Kill);

        var reply = process.Send(_protocol.Request(batch.Theta, batch.Seeds, first, count)) ? process.Receive() : null;
        onTimeout.Dispose(); // waits for a running callback: from here on no kill comes from the timer, and timedOut is final
        string? problem = timedOut
            ? $"no reply within {limit.GetValueOrDefault().TotalSeconds:0.###} s (the timeout is {Options.Timeout.GetValueOrDefault().TotalSeconds:0.###} s per simulation), so the worker was killed; if it works when run by hand, check that it flushes its output after each reply"
            : reply is null ? null
            : _protocol.Store(reply, batch.X, first, count);
        if (reply is not null && problem is null)
        {
            batch.Finish(count);
            return;
        }
        if (batch.Cancellation.IsCancellationRequested)
        {
            // The cancellation killed the worker; JobBatch.Wait throws it.
            slot.Replace(null);
            batch.Finish(count);
            return;
        }
        int? exitCode = null;
        if (problem is null)
        {
            // The output ended without a reply: the worker exited, most likely with a telling exit code.
            exitCode = process.WaitForExitCode();
            problem = exitCode is { } code
                ? $"the worker exited (code {code}) before replying"
                : "the worker closed its standard output without replying";
        }
        else
        {
            process.Kill(); // out of step with the protocol, or hung: it cannot serve another row
        }
        var tail = process.ErrorTail();
        slot.Replace(null);
        batch.Fail(first, count, Failure(batch, first, count, problem, exitCode, tail));
    }

    private ExternalSimulatorException Failure(JobBatch batch, int first, int count, string problem, int? exitCode, IReadOnlyList<string> tail) =>
        new(Command.ToString(), first, count, batch.Theta.Row(first).ToArray(), problem, exitCode, tail);

    /// <summary>The current process of one worker thread; swapped when a worker fails.</summary>
    private sealed class Slot(WorkerProcess? process)
    {
        private readonly Lock _gate = new();
        private WorkerProcess? _process = process;

        public WorkerProcess? Process
        {
            get
            {
                lock (_gate) return _process;
            }
        }

        /// <summary>Installs <paramref name="next"/>; the previous process is killed if it still runs, and released.</summary>
        public WorkerProcess? Replace(WorkerProcess? next)
        {
            WorkerProcess? previous;
            lock (_gate) (previous, _process) = (_process, next);
            if (previous is not null)
            {
                previous.ExitOrKill(DateTime.UtcNow);
                previous.Dispose();
            }
            return next;
        }
    }
}
