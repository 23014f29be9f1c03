using Gatsbi.Simulation;

namespace Gatsbi.Cli;

/// <summary>
/// Runs a command body with the toolkit's exit-code and error conventions: input problems (bad files,
/// options, shapes) print one "error:" line naming what is wrong and exit 2; a simulation that fails prints
/// an "error:" message naming the row and exits 1; Ctrl+C asks the body to stop
/// at the next safe point so that finished work can still be saved.
/// </summary>
internal static class CommandRunner
{
    public const int InputError = 2;

    /// <summary>The work itself failed (a simulator crashed on a row), with the inputs in order.</summary>
    public const int RunFailed = 1;

    public static int Run(Func<CancellationToken, int> body)
    {
        using var cancel = new CancellationTokenSource();
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
        catch (SimulationFailedException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return RunFailed;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("Cancelled.");
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
