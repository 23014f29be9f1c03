namespace Gatsbi.Metrics;

/// <summary>
/// Settings of the maximum mean discrepancy. The defaults are sbibm's as its results pipeline calls it
/// (benchmarking_sbi/run.py in github.com/sbi-benchmark/results, calling sbibm/metrics/mmd.py with
/// z_score=False): no z-scoring, bandwidth from the median heuristic on the reference set X.
/// </summary>
public sealed record MmdOptions
{
    /// <summary>Z-score both sets with the first set's column means and (n − 1) standard deviations before anything else.</summary>
    public bool ZScore { get; init; }

    /// <summary>How the kernel bandwidth σ is chosen; by default sbibm's median of the pairwise distances within X.</summary>
    public MmdBandwidth Bandwidth { get; init; } = MmdBandwidth.MedianOfX;

    /// <summary>Worker threads; the result does not depend on this.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Throws <see cref="ArgumentException"/> when <see cref="Threads"/> is not positive.</summary>
    public void Validate()
    {
        if (Threads < 1) throw new ArgumentException($"MMD Threads must be positive; got {Threads}.");
    }
}

/// <summary>The rule behind an <see cref="MmdBandwidth"/>.</summary>
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

    /// <summary>Which rule gives σ.</summary>
    public MmdBandwidthRule Rule { get; }

    /// <summary>σ for <see cref="MmdBandwidthRule.Fixed"/>; NaN for the median rules, whose σ depends on the samples.</summary>
    public double Value { get; }

    /// <summary>σ = the lower median of the pairwise distances within the reference set (sbibm's default "X").</summary>
    public static MmdBandwidth MedianOfX { get; } = new(MmdBandwidthRule.MedianOfX, double.NaN);

    /// <summary>σ = the lower median of the pairwise distances within both sets pooled (sbibm's "XY").</summary>
    public static MmdBandwidth MedianOfXY { get; } = new(MmdBandwidthRule.MedianOfXY, double.NaN);

    /// <summary>A fixed σ, in the units of the (possibly z-scored) samples.</summary>
    /// <exception cref="ArgumentException"><paramref name="sigma"/> is not positive and finite.</exception>
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
/// <param name="SquaredMmd">The unbiased estimate of MMD²: about 0 for samples of the same distribution, larger the more they differ.</param>
/// <param name="Bandwidth">The kernel bandwidth σ used, in the units of the (possibly z-scored) samples.</param>
public sealed record MmdResult(double SquaredMmd, double Bandwidth);
