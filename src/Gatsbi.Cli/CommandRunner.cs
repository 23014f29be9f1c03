using System.CommandLine;
using Gatsbi.Simulation;

namespace Gatsbi.Cli;

/// <summary>
/// Runs a command body with the toolkit's exit-code and error conventions (README.md, "Command line"): input
/// problems (bad files, options, shapes, outputs that exist or are in use) print one "error:" line naming what
/// is wrong and exit 2; work that fails (a simulator crashing on a row, a write failing on a full disk) prints
/// one "error:" line and exits 1, keeping the outputs finished before it; Ctrl+C asks the body to stop at the
/// next safe point so that finished work can still be saved, and exits 130. No failure prints a stack trace.
/// </summary>
internal static class CommandRunner
{
    public const int InputError = 2;

    /// <summary>The work itself failed (a simulator crashed on a row, an output could not be written), with the inputs in order.</summary>
    public const int RunFailed = 1;

    /// <summary>Stopped by Ctrl+C: 128 + SIGINT, as shells report a process ended by it.</summary>
    public const int Interrupted = 130;

    /// <summary>
    /// Makes <paramref name="body"/> the command's action, run by <see cref="Run"/>; the token it is given is
    /// cancelled by Ctrl+C or by the token <see cref="GatsbiApp.Run"/> was given.
    /// </summary>
    public static void SetBody(this Command command, Func<ParseResult, CancellationToken, int> body) =>
        command.SetAction((parse, stop) => Task.FromResult(Run(stop, cancel => body(parse, cancel))));

    public static int Run(CancellationToken stop, Func<CancellationToken, int> body)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cancel.IsCancellationRequested) return; // a second Ctrl+C ends the process
            e.Cancel = true;
            cancel.Cancel();
            Console.Error.WriteLine("\nStopping after the current step; finished work will be saved. Press Ctrl+C again to abort.");
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return body(cancel.Token);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return InputError;
        }
        catch (Exception e) when (e is SimulationFailedException or RunFailedException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return RunFailed;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("Stopped by Ctrl+C.");
            return Interrupted;
        }
        catch (IOException e)
        {
            // Every output is written whole or not at all (Gatsbi.Storage.AtomicFile), so those finished before this one are intact.
            Console.Error.WriteLine($"error: {e.Message.TrimEnd('.', ' ')}; outputs written before it are kept.");
            return RunFailed;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"error: {e.Message} ({e.GetType().Name})");
            return RunFailed;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
