namespace Gatsbi.Cli;

/// <summary>
/// The work of a command failed, with its inputs in order, for a reason the message explains in full (a
/// posterior that puts no sample inside the prior support): <see cref="CommandRunner"/> prints the message as
/// the one "error:" line and exits with <see cref="CommandRunner.RunFailed"/>, without the exception type it
/// adds to failures it does not know.
/// </summary>
internal sealed class RunFailedException(string message) : Exception(message);
