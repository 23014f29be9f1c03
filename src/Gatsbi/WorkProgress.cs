namespace Gatsbi;

/// <summary>Progress of a long piece of work: <paramref name="Done"/> of <paramref name="Total"/> units, with an optional status text.</summary>
/// <param name="Done">Units finished so far, between 0 and <paramref name="Total"/>.</param>
/// <param name="Total">Units in the whole piece of work; what a unit is (a simulation, a training step, a sample) depends on the reporter.</param>
/// <param name="Status">A short description of the current phase, such as "simulating", or null.</param>
public readonly record struct WorkProgress(long Done, long Total, string? Status = null);
