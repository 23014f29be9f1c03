using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;

namespace Gatsbi.Simulation.External;

/// <summary>
/// One running worker process. Its standard output and standard error are drained by two threads of
/// their own, so the worker never blocks on a full pipe and a wait for a reply can be ended by killing
/// the process from any thread (its output then ends).
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private const int TailLines = 20;
    private const int TailLineLength = 500;
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(2);

    private readonly Process _process;
    private readonly Stream _input;
    private readonly BlockingCollection<WireReply> _replies = new();
    private readonly Queue<string> _errorTail = new();
    private readonly Thread _outputReader, _errorReader;

    private WorkerProcess(Process process, WireProtocol protocol)
    {
        _process = process;
        _input = process.StandardInput.BaseStream;
        _outputReader = new Thread(() =>
        {
            try
            {
                protocol.ReadReplies(process.StandardOutput, _replies.Add);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The pipe broke with the process, or it was released: the same as the end of its output.
            }
            finally
            {
                _replies.CompleteAdding();
            }
        }) { IsBackground = true, Name = $"simulator {process.Id} output" };
        _errorReader = new Thread(() =>
        {
            try
            {
                while (process.StandardError.ReadLine() is { } line)
                    lock (_errorTail)
                    {
                        _errorTail.Enqueue(line.Length <= TailLineLength ? line : line[..TailLineLength] + "...");
                        if (_errorTail.Count > TailLines) _errorTail.Dequeue();
                    }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // As above.
            }
        }) { IsBackground = true, Name = $"simulator {process.Id} errors" };
        _outputReader.Start();
        _errorReader.Start();
    }

    /// <summary>Starts <paramref name="command"/> through <see cref="WorkerLauncher"/>, which ties the worker's life to this process's.</summary>
    /// <exception cref="ArgumentException">The program cannot be started; the message names it and the working directory.</exception>
    public static WorkerProcess Start(ExternalCommand command, WireProtocol protocol)
    {
        try
        {
            return new WorkerProcess(WorkerLauncher.Start(command.ResolvedProgram, command.Arguments, command.WorkingDirectory), protocol);
        }
        catch (Win32Exception e)
        {
            throw new ArgumentException(
                $"Cannot start the external simulator '{command}': {e.Message} (program '{command.ResolvedProgram}', working directory {command.WorkingDirectory ?? Environment.CurrentDirectory}).", e);
        }
    }

    public int Id => _process.Id;

    /// <summary>Sends one request; false when the worker no longer reads its input (it exited).</summary>
    public bool Send(byte[] request)
    {
        try
        {
            _input.Write(request);
            _input.Flush();
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>The next reply; null once the worker's output has ended (it exited, closed it, or was killed).</summary>
    public WireReply? Receive() => _replies.TryTake(out var reply, Timeout.Infinite) ? reply : null;

    /// <summary>The exit code, waiting briefly for the exit; null if it is still running.</summary>
    public int? WaitForExitCode()
    {
        try
        {
            return _process.WaitForExit(ExitWait) ? _process.ExitCode : null;
        }
        catch (InvalidOperationException)
        {
            return null; // released by another thread (the simulator is being disposed)
        }
    }

    /// <summary>The last lines the worker wrote to standard error (after its exit, all of them up to the end).</summary>
    public IReadOnlyList<string> ErrorTail()
    {
        if (WaitForExit(TimeSpan.Zero)) _errorReader.Join(ExitWait);
        lock (_errorTail) return _errorTail.ToArray();
    }

    /// <summary>Ends the worker and any processes it started. Safe from any thread, and more than once.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // Already gone.
        }
    }

    /// <summary>Asks the worker to finish: its input ends, which the protocols define as the signal to exit.</summary>
    public void CloseInput()
    {
        try
        {
            _input.Close();
        }
        catch (IOException)
        {
            // It has exited already.
        }
    }

    /// <summary>Waits until <paramref name="deadline"/> for the worker to exit, kills it if it has not, and waits for its output to end.</summary>
    public void ExitOrKill(DateTime deadline)
    {
        var left = deadline - DateTime.UtcNow;
        if (!WaitForExit(left > TimeSpan.Zero ? left : TimeSpan.Zero)) Kill();
        WaitForExit(ExitWait);
        _outputReader.Join(ExitWait);
        _errorReader.Join(ExitWait);
    }

    public void Dispose() => _process.Dispose();

    /// <summary>Process.WaitForExit; true also when another thread has released the process already.</summary>
    private bool WaitForExit(TimeSpan timeout)
    {
        try
        {
            return _process.WaitForExit(timeout);
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }
}
