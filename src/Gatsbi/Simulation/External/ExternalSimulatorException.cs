namespace Gatsbi.Simulation.External;

/// <summary>
/// An external simulator worker failed on a row: it exited, hung past the timeout, or replied something
/// that is not the expected numbers. The message names the command, the row and its θ, the exit code and
/// the last lines the worker wrote to standard error.
/// </summary>
public sealed class ExternalSimulatorException : SimulationFailedException
{
    public ExternalSimulatorException(string command, int row, int requestRows, float[] theta, string reason, int? exitCode, IReadOnlyList<string> standardErrorTail)
        : base(row, theta, reason)
    {
        Command = command;
        RequestRows = requestRows;
        ExitCode = exitCode;
        StandardErrorTail = standardErrorTail;
    }

    public string Command { get; }

    /// <summary>Rows sent in the failed request, starting at <see cref="SimulationFailedException.Row"/> (more than one only in the binary protocol).</summary>
    public int RequestRows { get; }

    /// <summary>The worker's exit code, when it exited by itself (the reason then names it too).</summary>
    public int? ExitCode { get; }

    public IReadOnlyList<string> StandardErrorTail { get; }

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

    public override SimulationFailedException WithRowOffset(int offset) =>
        new ExternalSimulatorException(Command, Row + offset, RequestRows, Theta, Reason, ExitCode, StandardErrorTail);
}
