using Gatsbi.Randomness;

namespace Gatsbi.Diagnostics;

/// <summary>
/// The ranks of a <see cref="SimulationBasedCalibration"/> run: <see cref="Ranks"/>[i, j] is the number of
/// the L posterior samples for xᵢ whose parameter j lies below θ*ᵢⱼ (0..L); <see cref="JointRanks"/>[i] the
/// number closer to the centre than θ*ᵢ. Rows are the usable draws, in draw order.
/// </summary>
/// <param name="Ranks">[usable draw, parameter]: marginal rank of θ*ᵢⱼ among the L posterior samples, 0..L.</param>
/// <param name="JointRanks">[usable draw]: posterior samples closer to the centre than θ*ᵢ, 0..L.</param>
/// <param name="PosteriorSamples">L, the posterior samples each θ*ᵢ was ranked among.</param>
/// <param name="FailedSimulations">Draws left out because their simulation returned NaN or ±∞.</param>
/// <param name="IncompleteDraws">Draws left out because the posterior gave fewer than L samples.</param>
/// <param name="Seed">Root seed of the run; it also fixes the jitter of <see cref="NormalizedRanks"/>.</param>
public sealed record SbcResult(int[,] Ranks, int[] JointRanks, int PosteriorSamples, int FailedSimulations, int IncompleteDraws, ulong Seed)
{
    /// <summary>Offset of the jitter streams' indices, far above any draw index (those seed the tie-breaks).</summary>
    private const ulong JitterStreams = 1UL << 40;

    /// <summary>Usable draws: the rows of <see cref="Ranks"/>, after failed and incomplete draws were left out.</summary>
    public int Draws => Ranks.GetLength(0);

    /// <summary>Parameters ranked: the columns of <see cref="Ranks"/>.</summary>
    public int ParameterDimension => Ranks.GetLength(1);

    /// <summary>Histogram bins of the χ² test and the plots: about 50 draws a bin under uniformity, between 2 and 20 bins.</summary>
    public int DefaultBins => Math.Clamp(Draws / 50, 2, 20);

    /// <summary>
    /// The ranks of parameter <paramref name="parameter"/> made continuous: (rank + V)/(L + 1) with V ~ U(0, 1)
    /// from a fixed stream. A uniform rank on 0..L gives a value uniform on (0, 1), so histograms with any bin
    /// count and the ECDF band have exact null distributions; the jitter is the same on every call.
    /// </summary>
    public double[] NormalizedRanks(int parameter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameter);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(parameter, ParameterDimension);
        return Normalize(Enumerable.Range(0, Draws).Select(i => Ranks[i, parameter]), JitterStreams + (ulong)parameter);
    }

    /// <summary>The joint ranks made continuous as in <see cref="NormalizedRanks"/>; small values mean θ* near the centre of the posterior.</summary>
    public double[] NormalizedJointRanks() => Normalize(JointRanks, JitterStreams + (ulong)ParameterDimension);

    /// <summary>The uniformity test and ECDF check of parameter <paramref name="parameter"/>'s ranks; <paramref name="band"/> must be for <see cref="Draws"/> values.</summary>
    public RankUniformity Uniformity(int parameter, EcdfBand band, int? bins = null) =>
        RankUniformity.Test(NormalizedRanks(parameter), band, bins ?? DefaultBins);

    private double[] Normalize(IEnumerable<int> ranks, ulong stream)
    {
        var rng = new Rng(Seeds.Derive(Seed, Seeds.Streams.Diagnostics, stream));
        return ranks.Select(r => (r + rng.NextDouble()) / (PosteriorSamples + 1)).ToArray();
    }
}

/// <summary>
/// Whether normalised ranks look uniform: Pearson's χ² test on a histogram of equal-width bins (uniform ranks
/// expect the same count in each), and whether their ECDF difference stays inside a simultaneous band.
/// </summary>
/// <param name="Counts">Ranks per bin, from low ranks to high.</param>
/// <param name="Expected">Count per bin expected under uniformity: draws / bins.</param>
/// <param name="BandLow">Lowest bin count inside the pointwise 99% binomial interval for uniform ranks.</param>
/// <param name="BandHigh">Highest bin count inside that interval.</param>
/// <param name="ChiSquare">Pearson's χ² statistic of <paramref name="Counts"/> against <paramref name="Expected"/>; NaN when there are no ranks.</param>
/// <param name="PValue">χ² p-value with bins − 1 degrees of freedom: small means the ranks are not uniform.</param>
/// <param name="EcdfDifference">F̂(z) − z at the band's grid.</param>
/// <param name="WithinEcdfBand">True when <paramref name="EcdfDifference"/> stays inside the simultaneous <see cref="EcdfBand"/> at every grid point.</param>
public sealed record RankUniformity(int[] Counts, double Expected, int BandLow, int BandHigh, double ChiSquare, double PValue,
    double[] EcdfDifference, bool WithinEcdfBand)
{
    /// <summary>Confidence of the pointwise band drawn around histogram counts.</summary>
    public const double HistogramBandConfidence = 0.99;

    /// <summary>Bins <paramref name="normalized"/> ranks, tests the counts for uniformity and checks their ECDF against <paramref name="band"/>.</summary>
    /// <param name="normalized">Normalised ranks in (0, 1), as <see cref="SbcResult.NormalizedRanks"/> gives them.</param>
    /// <param name="band">A band computed for exactly as many values as <paramref name="normalized"/> holds.</param>
    /// <param name="bins">Equal-width histogram bins on [0, 1]; at least 2.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bins"/> is below 2.</exception>
    /// <exception cref="ArgumentException"><paramref name="band"/> was computed for a different number of values.</exception>
    public static RankUniformity Test(IReadOnlyList<double> normalized, EcdfBand band, int bins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        var counts = new int[bins];
        foreach (double u in normalized) counts[Math.Clamp((int)(u * bins), 0, bins - 1)]++;
        var (chi, p) = UniformityStatistics.ChiSquareUniform(counts);
        var (low, high) = UniformityStatistics.BinomialInterval(normalized.Count, 1.0 / bins, HistogramBandConfidence);
        return new RankUniformity(counts, normalized.Count / (double)bins, low, high, chi, p, band.Difference(normalized), band.Contains(normalized));
    }
}
