namespace Gatsbi.Inference.Mcmc;

/// <summary>
/// Settings of <see cref="SliceSampler"/>. The defaults follow the way sbibm drew its reference posteriors with
/// sbi's vectorised slice sampler: many chains, a warm-up whose draws are discarded while each coordinate's
/// bracket width adapts, then thinned draws.
/// </summary>
public sealed record SliceSamplerOptions
{
    /// <summary>Independent chains, run in parallel; the draws are split evenly among them. Default 4.</summary>
    public int Chains { get; init; } = 4;

    /// <summary>Sweeps per chain before any draw is kept; the bracket widths adapt during these. Default 200.</summary>
    public int WarmupSweeps { get; init; } = 200;

    /// <summary>Sweeps per kept draw after warm-up (1 keeps every sweep). Default 10, as sbibm thinned.</summary>
    public int Thin { get; init; } = 10;

    /// <summary>
    /// The starting bracket width of every coordinate. Warm-up replaces it by the running mean of the brackets
    /// accepted points were drawn from, so a poor start costs evaluations, not correctness. Default 1.
    /// </summary>
    public double InitialWidth { get; init; } = 1;

    /// <summary>
    /// The most steps the bracket may step out on each side before the sampler stops with an error that names
    /// the coordinate: a density that does not fall off (an improper posterior) would otherwise never end. Default 10,000.
    /// </summary>
    public int MaxStepsOut { get; init; } = 10_000;

    /// <summary>Upper bound on parallel chains at once; null uses every core.</summary>
    public int? MaxThreads { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting and its value.</summary>
    public void Validate()
    {
        if (Chains < 1) throw new ArgumentException($"{nameof(Chains)} must be at least 1; got {Chains}.");
        if (WarmupSweeps < 0) throw new ArgumentException($"{nameof(WarmupSweeps)} must be 0 or more; got {WarmupSweeps}.");
        if (Thin < 1) throw new ArgumentException($"{nameof(Thin)} must be at least 1; got {Thin}.");
        if (!(InitialWidth > 0) || double.IsInfinity(InitialWidth)) throw new ArgumentException($"{nameof(InitialWidth)} must be positive and finite; got {InitialWidth}.");
        if (MaxStepsOut < 1) throw new ArgumentException($"{nameof(MaxStepsOut)} must be at least 1; got {MaxStepsOut}.");
        if (MaxThreads is < 1) throw new ArgumentException($"{nameof(MaxThreads)} must be at least 1; got {MaxThreads}.");
    }
}
