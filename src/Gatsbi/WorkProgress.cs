namespace Gatsbi;

/// <summary>Progress of a long piece of work: <paramref name="Done"/> of <paramref name="Total"/> units, with an optional status text.</summary>
public readonly record struct WorkProgress(long Done, long Total, string? Status = null);
