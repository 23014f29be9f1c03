using Gatsbi.Simulation;
using Gatsbi.Simulation.External;

namespace Gatsbi.Cli;

/// <summary>What the commands that run an external simulator share: protocol names, the worker pool and its runner.</summary>
internal static class ExternalSimulators
{
    /// <summary>
    /// Rows per chunk for external simulators: part of how each row's seed is derived (documented in
    /// docs/external-simulators.md), and the most finished rows a stop can lose per chunk in flight. Smaller
    /// than the runner's default because external simulations are usually slow.
    /// </summary>
    public const int ChunkSize = 32;

    public static ExternalProtocol ParseProtocol(string? name) => name?.ToLowerInvariant() switch
    {
        null or "line" => ExternalProtocol.Line,
        "binary" => ExternalProtocol.Binary,
        _ => throw new ArgumentException($"Unknown --protocol '{name}'; expected line or binary."),
    };

    public static ExternalProcessSimulator Start(string commandLine, string? workingDirectory, int parameters, int data,
        string? protocol, int workers, double? timeoutSeconds) =>
        new(ExternalCommand.Parse(commandLine, workingDirectory), parameters, data, new ExternalSimulatorOptions
        {
            Protocol = ParseProtocol(protocol),
            Workers = workers,
            Timeout = timeoutSeconds is { } seconds
                ? seconds > 0 ? TimeSpan.FromSeconds(seconds) : throw new ArgumentException($"--timeout must be positive; got {seconds}.")
                : null,
        });

    /// <summary>Each runner thread waits on a chunk that all workers share; a few chunks in flight keep every worker busy.</summary>
    public static SimulationRunner Runner(int workers) => new() { ChunkSize = ChunkSize, MaxThreads = 2 + workers / ChunkSize };
}
