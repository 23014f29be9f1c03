namespace Gatsbi.Diagnostics;

/// <summary>
/// Expected coverage from the draws of a <see cref="SimulationBasedCalibration"/> run: for each credibility
/// level α, the fraction of draws whose θ* lies in the posterior's level-α region. A calibrated posterior
/// covers α of them; a curve below the diagonal means overconfidence (regions too small), above it
/// underconfidence. Marginal regions are central intervals, [quantile (1 − α)/2, quantile (1 + α)/2] of the
/// samples, so θ* is inside when its normalised rank u satisfies |u − ½| ≤ α/2. The joint region is the α
/// fraction of samples nearest the centre in the standardised distance of the joint rank (an ellipsoid with
/// per-parameter scaling, not a highest-density region), so θ* is inside when its joint u ≤ α.
/// </summary>
public static class ExpectedCoverage
{
    /// <summary>α = 0.05, 0.10, …, 0.95.</summary>
    public static IReadOnlyList<double> DefaultLevels { get; } = Enumerable.Range(1, 19).Select(k => k / 20.0).ToArray();

    /// <summary>Confidence of the band of coverages a calibrated posterior gives with this many draws.</summary>
    public const double BandConfidence = 0.99;

    /// <summary>
    /// The marginal and joint coverage of an SBC run at each credibility level, with the pointwise
    /// <see cref="BandConfidence"/> binomial band a calibrated posterior's coverage stays in.
    /// </summary>
    /// <param name="sbc">The ranks of a <see cref="SimulationBasedCalibration"/> run.</param>
    /// <param name="levels">Credibility levels α, each in (0, 1); <see cref="DefaultLevels"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A level lies outside (0, 1).</exception>
    public static CoverageResult FromSbc(SbcResult sbc, IReadOnlyList<double>? levels = null)
    {
        levels ??= DefaultLevels;
        foreach (double level in levels)
            if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(levels), $"Credibility levels must lie in (0, 1); got {level}.");
        var marginal = new double[sbc.ParameterDimension][];
        for (int j = 0; j < marginal.Length; j++)
        {
            var u = sbc.NormalizedRanks(j);
            marginal[j] = levels.Select(a => u.Count(v => Math.Abs(v - 0.5) <= a / 2) / (double)u.Length).ToArray();
        }
        var joint = sbc.NormalizedJointRanks();
        var jointCoverage = levels.Select(a => joint.Count(v => v <= a) / (double)joint.Length).ToArray();

        // Under calibration the number of covered draws is Binomial(N, α) at each level.
        var bands = levels.Select(a => UniformityStatistics.BinomialInterval(sbc.Draws, a, BandConfidence)).ToArray();
        return new CoverageResult([.. levels], marginal, jointCoverage,
            bands.Select(b => b.Low / (double)sbc.Draws).ToArray(), bands.Select(b => b.High / (double)sbc.Draws).ToArray());
    }
}

/// <summary>Empirical coverage at each nominal level, per parameter and jointly, with the pointwise 99% band of a calibrated posterior.</summary>
/// <param name="Levels">The nominal credibility levels α, in the order of every other array.</param>
/// <param name="Marginal">[parameter][level]: fraction of draws inside the central interval.</param>
/// <param name="Joint">[level]: fraction of draws inside the joint region.</param>
/// <param name="BandLow">[level]: lowest coverage fraction inside the pointwise 99% binomial interval of a calibrated posterior.</param>
/// <param name="BandHigh">[level]: highest coverage fraction inside that interval.</param>
public sealed record CoverageResult(double[] Levels, double[][] Marginal, double[] Joint, double[] BandLow, double[] BandHigh)
{
    /// <summary>The largest |empirical − nominal| of parameter <paramref name="parameter"/> over the levels (signed: negative means under-coverage).</summary>
    public double WorstDeviation(int parameter) => WorstDeviation(Marginal[parameter]);

    /// <summary>The largest |empirical − nominal| of the joint coverage over the levels (signed).</summary>
    public double WorstJointDeviation => WorstDeviation(Joint);

    private double WorstDeviation(double[] empirical) =>
        empirical.Select((c, k) => c - Levels[k]).MaxBy(Math.Abs);
}
