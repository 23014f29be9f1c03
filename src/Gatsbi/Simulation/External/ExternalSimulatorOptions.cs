namespace Gatsbi.Simulation.External;

/// <summary>How an external simulator talks to Gatsbi; see docs/external-simulators.md in the repository for both formats.</summary>
public enum ExternalProtocol
{
    /// <summary>One text line per simulation: <c>seed θ1 … θd</c> in, D numbers out.</summary>
    Line,
    /// <summary>Little-endian binary frames of several rows: for fast simulators, where text parsing would dominate.</summary>
    Binary,
}

/// <summary>Settings of an <see cref="ExternalProcessSimulator"/>.</summary>
public sealed record ExternalSimulatorOptions
{
    /// <summary>The wire format the worker speaks; <see cref="ExternalProtocol.Line"/> by default, the easiest to write.</summary>
    public ExternalProtocol Protocol { get; init; } = ExternalProtocol.Line;

    /// <summary>Worker processes run at once; each is started once and reused.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Longest one simulation may take; a worker that takes longer is killed and its row reported. Null
    /// (the default) waits for ever, since simulators differ by orders of magnitude in run time. A request
    /// of k rows (binary protocol) may take k times this.
    /// </summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Binary protocol: the most rows sent in one request (fewer when the queue is short, to share rows among workers).</summary>
    public int MaxRowsPerRequest { get; init; } = 32;

    internal void Validate()
    {
        if (Workers < 1) throw new ArgumentException($"An external simulator needs at least one worker; got {Workers}.");
        if (Timeout is { } t && t <= TimeSpan.Zero) throw new ArgumentException($"The simulation timeout must be positive; got {t}.");
        if (MaxRowsPerRequest < 1) throw new ArgumentException($"MaxRowsPerRequest must be at least 1; got {MaxRowsPerRequest}.");
    }
}
