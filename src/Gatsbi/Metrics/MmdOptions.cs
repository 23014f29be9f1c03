namespace Gatsbi.Metrics;

/// <summary>
/// Settings of the maximum mean discrepancy. The defaults are sbibm's as its results pipeline calls it
/// (sbibm_tasks.md §2.2): no z-scoring, bandwidth from the median heuristic on the reference set X.
/// </summary>
public sealed record MmdOptions
{
    /// <summary>Z-score both sets with the first set's column means and (n − 1) standard deviations before anything else.</summary>
    public bool ZScore { get; init; }

    public MmdBandwidth Bandwidth { get; init; } = MmdBandwidth.MedianOfX;

    /// <summary>Worker threads; the result does not depend on this.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    public void Validate()
    {
        if (Threads < 1) throw new ArgumentException($"MMD Threads must be positive; got {Threads}.");
    }
}

public enum MmdBandwidthRule
{
    /// <summary>sbibm's default "X": the lower median of the pairwise distances within the first (reference) set.</summary>
    MedianOfX,

    /// <summary>sbibm's "XY": the lower median of the pairwise distances within both sets pooled.</summary>
    MedianOfXY,

    /// <summary>A given value, independent of the samples.</summary>
    Fixed,
}

/// <summary>How the Gaussian kernel's bandwidth σ in exp(−‖a − b‖² / (2σ²)) is chosen.</summary>
public sealed record MmdBandwidth
{
    private MmdBandwidth(MmdBandwidthRule rule, double value)
    {
        Rule = rule;
        Value = value;
    }

    public MmdBandwidthRule Rule { get; }

    /// <summary>σ for <see cref="MmdBandwidthRule.Fixed"/>; NaN for the median rules, whose σ depends on the samples.</summary>
    public double Value { get; }

    public static MmdBandwidth MedianOfX { get; } = new(MmdBandwidthRule.MedianOfX, double.NaN);
    public static MmdBandwidth MedianOfXY { get; } = new(MmdBandwidthRule.MedianOfXY, double.NaN);

    public static MmdBandwidth Fixed(double sigma) =>
        double.IsFinite(sigma) && sigma > 0
            ? new(MmdBandwidthRule.Fixed, sigma)
            : throw new ArgumentException($"A fixed MMD bandwidth must be positive and finite; got {sigma}.", nameof(sigma));
}

/// <summary>
/// The unbiased estimate of the squared MMD (sbibm reports this value itself, not its root; it can be
/// slightly negative when the sets come from the same distribution) and the kernel bandwidth σ it used.
/// Both are NaN when an input holds a non-finite value.
/// </summary>
public sealed record MmdResult(double SquaredMmd, double Bandwidth);
