namespace Gatsbi.Simulation.External;

/// <summary>
/// An external simulator worker failed on a row: it exited, hung past the timeout, or replied something
/// that is not the expected numbers. The message names the command, the row and its θ, the exit code and
/// the last lines the worker wrote to standard error.
/// </summary>
public sealed class ExternalSimulatorException : SimulationFailedException
{
    /// <summary>A failure of the request of <paramref name="requestRows"/> rows that starts at <paramref name="row"/>.</summary>
    /// <param name="command">The worker's command line, for the message.</param>
    /// <param name="row">The request's first row, counted from the batch's first row.</param>
    /// <param name="requestRows">Rows sent in the failed request.</param>
    /// <param name="theta">θ of <paramref name="row"/>.</param>
    /// <param name="reason">What went wrong, without the row and parameters.</param>
    /// <param name="exitCode">The worker's exit code when it exited by itself; null otherwise.</param>
    /// <param name="standardErrorTail">The last lines the worker wrote to standard error, oldest first.</param>
    public ExternalSimulatorException(string command, int row, int requestRows, float[] theta, string reason, int? exitCode, IReadOnlyList<string> standardErrorTail)
        : base(row, theta, reason)
    {
        Command = command;
        RequestRows = requestRows;
        ExitCode = exitCode;
        StandardErrorTail = standardErrorTail;
    }

    /// <summary>The worker's command line, quoted as <see cref="ExternalCommand.ToString"/> writes it.</summary>
    public string Command { get; }

    /// <summary>Rows sent in the failed request, starting at <see cref="SimulationFailedException.Row"/> (more than one only in the binary protocol).</summary>
    public int RequestRows { get; }

    /// <summary>The worker's exit code, when it exited by itself (the reason then names it too).</summary>
    public int? ExitCode { get; }

    /// <summary>The last lines the worker wrote to standard error, oldest first; empty when it wrote none.</summary>
    public IReadOnlyList<string> StandardErrorTail { get; }

    /// <summary>The command, the row or rows with θ, the reason, and the standard error tail.</summary>
    public override string Message
    {
        get
        {
            string rows = RequestRows == 1
                ? $"row {Row} (θ = {FormatTheta(Theta)})"
                : $"rows {Row}–{Row + RequestRows - 1}, sent in one request (θ of row {Row} = {FormatTheta(Theta)})";
            string error = StandardErrorTail.Count == 0
                ? " It wrote nothing to standard error."
                : $"\nLast lines of its standard error:\n  {string.Join("\n  ", StandardErrorTail)}";
            return $"External simulator '{Command}' failed at {rows}: {Reason}.{error}";
        }
    }

    /// <summary>The same failure with <see cref="SimulationFailedException.Row"/> moved by <paramref name="offset"/> rows; still an <see cref="ExternalSimulatorException"/>.</summary>
    public override SimulationFailedException WithRowOffset(int offset) =>
        new ExternalSimulatorException(Command, Row + offset, RequestRows, Theta, Reason, ExitCode, StandardErrorTail);
}
