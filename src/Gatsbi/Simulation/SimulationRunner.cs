using System.Runtime.ExceptionServices;
using Gatsbi.Distributions;
using Gatsbi.Randomness;

namespace Gatsbi.Simulation;

/// <summary>
/// Draws θ from a prior and runs a simulator on all cores. Work is cut into fixed-size chunks, each with
/// a seed derived from the root seed and the chunk index, so the result is the same whatever the number
/// of threads. Chunks are started in order and handed on in order, so that a run written to files as it
/// goes (<see cref="RunToFiles"/>) keeps every chunk finished before a stop.
/// </summary>
public sealed class SimulationRunner
{
    /// <summary>Rows per chunk; fixed (not derived from the thread count) so that results are reproducible.</summary>
    public int ChunkSize { get; init; } = 256;

    /// <summary>Maximum worker threads; null uses all cores.</summary>
    public int? MaxThreads { get; init; }

    /// <summary>
    /// Draws <paramref name="count"/> θ from <paramref name="prior"/> and simulates one x for each. The result
    /// is fixed by <paramref name="seed"/> and <see cref="ChunkSize"/>, whatever the thread count. Failed
    /// simulations stay in the set as non-finite rows (see <see cref="SimulationSet.DropNonFinite"/>).
    /// </summary>
    /// <param name="prior">Draws θ, all at once from one stream derived from <paramref name="seed"/>.</param>
    /// <param name="simulator">The model; it must take the prior's parameter dimension.</param>
    /// <param name="count">Pairs to simulate; zero or more.</param>
    /// <param name="seed">Root seed of the prior draw and of every chunk's simulator generator.</param>
    /// <param name="progress">Reports rows simulated out of <paramref name="count"/>, from the worker threads.</param>
    /// <param name="cancellation">Stops starting new chunks; the running ones finish, and the run then throws
    /// <see cref="OperationCanceledException"/> (to keep what was simulated, use
    /// <see cref="RunToFiles"/>, which writes every finished chunk).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="ArgumentException">The prior's and the simulator's parameter dimensions differ, or <see cref="ChunkSize"/> is not positive.</exception>
    /// <exception cref="SimulationFailedException">The simulator threw on a row; the row counts from the run's first row.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public SimulationSet Run(IPrior prior, ISimulator simulator, int count, ulong seed, IProgress<WorkProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        var theta = DrawTheta(prior, simulator, count, seed);
        return new SimulationSet(theta, Simulate(simulator, theta, seed, progress, cancellation));
    }

    /// <summary>
    /// Simulates one x for every row of <paramref name="theta"/>; the same seed gives the same rows whatever the
    /// thread count. Cancelling stops starting new chunks and then throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public float[,] Simulate(ISimulator simulator, float[,] theta, ulong seed, IProgress<WorkProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        var x = new float[theta.GetLength(0), simulator.DataDimension];
        SimulateChunks(simulator, theta, seed, chunk =>
        {
            for (int i = 0; i < chunk.Rows; i++) chunk.X.Row(i).CopyTo(x.Row(chunk.Start + i));
        }, progress: progress, cancellation: cancellation);
        return x;
    }

    /// <summary>
    /// Simulates the rows of <paramref name="theta"/> from chunk <paramref name="firstChunk"/> on and hands
    /// each finished chunk to <paramref name="onChunk"/> in chunk order, one call at a time (a chunk that
    /// finishes early waits until all chunks before it are done). When a chunk fails or the run is
    /// cancelled, no new chunk starts, the running ones finish, and those that are contiguous with the
    /// handed-on ones are still handed on before the error (for a failure, the one of the lowest chunk)
    /// is thrown. A <see cref="SimulationFailedException"/>'s row then counts from row 0 of
    /// <paramref name="theta"/>.
    /// </summary>
    public void SimulateChunks(ISimulator simulator, float[,] theta, ulong seed, Action<SimulatedChunk> onChunk,
        int firstChunk = 0, IProgress<WorkProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (theta.GetLength(1) != simulator.ParameterDimension)
            throw new ArgumentException($"θ has {theta.GetLength(1)} columns; the simulator takes {simulator.ParameterDimension}.");
        if (ChunkSize < 1) throw new ArgumentException($"SimulationRunner.ChunkSize must be positive; got {ChunkSize}.");
        int n = theta.GetLength(0);
        int chunks = (n + ChunkSize - 1) / ChunkSize;
        if (firstChunk < 0 || firstChunk > chunks)
            throw new ArgumentOutOfRangeException(nameof(firstChunk), $"First chunk {firstChunk} is outside the run's {chunks} chunks.");

        var sequencer = new ChunkSequencer(firstChunk, onChunk);
        var failures = new List<(int Chunk, Exception Error)>();
        int next = firstChunk - 1;
        int done = Math.Min(n, firstChunk * ChunkSize);
        bool stop = false;
        progress?.Report(new WorkProgress(done, n));

        void Work()
        {
            int chunk;
            while (!Volatile.Read(ref stop) && !cancellation.IsCancellationRequested && (chunk = Interlocked.Increment(ref next)) < chunks)
            {
                try
                {
                    int start = chunk * ChunkSize;
                    int rows = Math.Min(ChunkSize, n - start);
                    var thetaChunk = theta.SliceRows(start, rows);
                    var xChunk = new float[rows, simulator.DataDimension];
                    var rng = new Rng(Seeds.Derive(seed, Seeds.Streams.Simulation, (ulong)chunk));
                    if (simulator is ICancellableSimulator cancellable) cancellable.Simulate(thetaChunk, xChunk, rng, cancellation);
                    else simulator.Simulate(thetaChunk, xChunk, rng);
                    sequencer.Add(new SimulatedChunk(chunk, start, thetaChunk, xChunk));
                    progress?.Report(new WorkProgress(Interlocked.Add(ref done, rows), n));
                }
                catch (Exception e)
                {
                    lock (failures) failures.Add((chunk, e));
                    Volatile.Write(ref stop, true);
                }
            }
        }

        // Dedicated threads rather than the thread pool: a simulator may block for a long time (an external
        // process), and blocked pool threads would starve the pool's other work.
        int threads = Math.Max(1, Math.Min(MaxThreads ?? Environment.ProcessorCount, chunks - firstChunk));
        var helpers = Enumerable.Range(0, threads - 1)
            .Select(_ => Task.Factory.StartNew(Work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToArray();
        Work();
        Task.WaitAll(helpers);

        if (sequencer.Next == chunks) return;
        // Failures after a cancellation are usually its consequence (a worker process interrupted too).
        cancellation.ThrowIfCancellationRequested();
        var (failedChunk, error) = failures.MinBy(f => f.Chunk);
        if (error is SimulationFailedException failed) throw failed.WithRowOffset(failedChunk * ChunkSize);
        ExceptionDispatchInfo.Throw(error);
    }

    /// <summary>
    /// Like <see cref="Run"/>, but writes each finished chunk to <paramref name="files"/> as soon as it and
    /// all chunks before it are done, and continues after the rows <paramref name="files"/> already holds.
    /// </summary>
    public SimulationFileResult RunToFiles(IPrior prior, ISimulator simulator, int count, ulong seed, SimulationFileWriter files,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellation = default) =>
        SimulateToFiles(simulator, DrawTheta(prior, simulator, count, seed), seed, files, progress, cancellation);

    /// <summary>
    /// Like <see cref="Simulate(ISimulator, float[,], ulong, IProgress{WorkProgress}?, CancellationToken)"/>, but writes each
    /// finished chunk of θ and x to <paramref name="files"/> in order as the run goes. If the files already
    /// hold rows (a resumed run), they must be the first rows of <paramref name="theta"/>; the run
    /// continues at the chunk they end in, so the finished files are the same as those of a run that
    /// never stopped.
    /// </summary>
    public SimulationFileResult SimulateToFiles(ISimulator simulator, float[,] theta, ulong seed, SimulationFileWriter files,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (ChunkSize < 1) throw new ArgumentException($"SimulationRunner.ChunkSize must be positive; got {ChunkSize}.");
        int n = theta.GetLength(0);
        if (files.Rows > n)
            throw new ArgumentException($"{files.ThetaPath} and {files.XPath} already hold {files.Rows} simulations, more than the {n} asked for.");
        // A chunk's rows share one seed, so a chunk the files hold only part of is simulated again whole.
        int firstChunk = files.Rows == n ? (n + ChunkSize - 1) / ChunkSize : files.Rows / ChunkSize;
        files.KeepRows(Math.Min(n, firstChunk * ChunkSize), theta);
        int resumed = files.Rows;
        SimulateChunks(simulator, theta, seed, chunk => files.Append(chunk.Theta, chunk.X), firstChunk, progress, cancellation);
        return new SimulationFileResult(files.Rows, resumed, files.NonFiniteRows);
    }

    private static float[,] DrawTheta(IPrior prior, ISimulator simulator, int count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (prior.Dimension != simulator.ParameterDimension)
            throw new ArgumentException($"Prior has dimension {prior.Dimension} but the simulator takes {simulator.ParameterDimension} parameters.");
        return prior.Sample(count, new Rng(Seeds.Derive(seed, Seeds.Streams.Prior)));
    }

    /// <summary>Hands chunks on in index order, holding back those that finish before their predecessors.</summary>
    private sealed class ChunkSequencer(int firstChunk, Action<SimulatedChunk> onChunk)
    {
        private readonly Dictionary<int, SimulatedChunk> _waiting = [];

        /// <summary>The next chunk to hand on: all chunks before it have been.</summary>
        public int Next { get; private set; } = firstChunk;

        public void Add(SimulatedChunk chunk)
        {
            lock (_waiting)
            {
                _waiting.Add(chunk.Index, chunk);
                while (_waiting.Remove(Next, out var ready))
                {
                    onChunk(ready);
                    Next++;
                }
            }
        }
    }
}
