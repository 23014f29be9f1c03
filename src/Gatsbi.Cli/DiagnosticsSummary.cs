using System.Globalization;
using System.Text;
using Gatsbi.Diagnostics;

namespace Gatsbi.Cli;

/// <summary>The Markdown summary of <c>gatsbi diagnose</c>: uniformity tests, coverage and the predictive check, each with a plain-words reading.</summary>
internal static class DiagnosticsSummary
{
    /// <summary>Below this χ² p-value the ranks are called non-uniform (the test's 1% level, matching the 99% bands).</summary>
    public const double RejectBelow = 0.01;

    public static string Write(string heading, string[] names, string[] dataNames, SbcResult sbc, RankUniformity[] tests, RankUniformity joint, EcdfBand band,
        CoverageResult coverage, PpcResult ppc, string observationDescription)
    {
        var md = new StringBuilder();
        md.AppendLine($"# {heading}").AppendLine();
        md.AppendLine($"## Simulation-based calibration").AppendLine();
        md.AppendLine($"{sbc.Draws} prior draws θ* (seed {sbc.Seed}), each ranked among {sbc.PosteriorSamples} posterior samples for data simulated from it." +
            (sbc.FailedSimulations + sbc.IncompleteDraws > 0 ? $" Left out: {sbc.FailedSimulations} failed simulations, {sbc.IncompleteDraws} draws with fewer than {sbc.PosteriorSamples} posterior samples." : ""));
        md.AppendLine($"Uniformity test: Pearson χ² on {tests[0].Counts.Length} equal bins of the normalised ranks (rank + U)/(L + 1), U ~ U(0, 1); " +
            $"ECDF band: {DiagnosticFigures.Percent(band.Confidence)} simultaneous band for uniform ranks. Coverage: central credible intervals per parameter.").AppendLine();
        md.AppendLine("| parameter | χ² | p-value | ECDF in band | mean normalised rank | coverage at 50% | coverage at 90% | reading |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        int at50 = Array.IndexOf(coverage.Levels, 0.5), at90 = Array.IndexOf(coverage.Levels, 0.9);
        for (int j = 0; j < names.Length; j++)
        {
            var u = sbc.NormalizedRanks(j);
            md.AppendLine($"| {names[j]} | {F(tests[j].ChiSquare, 1)} | {DiagnosticFigures.FormatP(tests[j].PValue)} | {(tests[j].WithinEcdfBand ? "yes" : "no")} | {F(u.Average(), 3)} | " +
                $"{Coverage(coverage.Marginal[j], at50)} | {Coverage(coverage.Marginal[j], at90)} | {Reading(tests[j], u.Average(), coverage.Marginal[j], coverage)} |");
        }
        md.AppendLine($"| joint (distance rank) | {F(joint.ChiSquare, 1)} | {DiagnosticFigures.FormatP(joint.PValue)} | {(joint.WithinEcdfBand ? "yes" : "no")} | {F(sbc.NormalizedJointRanks().Average(), 3)} | " +
            $"{Coverage(coverage.Joint, at50)} | {Coverage(coverage.Joint, at90)} | {JointReading(joint, coverage)} |").AppendLine();
        md.AppendLine($"A calibrated posterior has coverage within the {DiagnosticFigures.Percent(ExpectedCoverage.BandConfidence)} band at every level; " +
            $"at 50% that band is [{F(BandAt(coverage, at50).Low, 3)}, {F(BandAt(coverage, at50).High, 3)}], at 90% [{F(BandAt(coverage, at90).Low, 3)}, {F(BandAt(coverage, at90).High, 3)}].").AppendLine();

        md.AppendLine("| level | " + string.Join(" | ", names) + " | joint | 99% band |");
        md.AppendLine("|---" + string.Concat(Enumerable.Repeat("|---", names.Length + 2)) + "|");
        for (int k = 0; k < coverage.Levels.Length; k++)
            md.AppendLine($"| {F(coverage.Levels[k], 2)} | " + string.Join(" | ", coverage.Marginal.Select(m => F(m[k], 3))) + $" | {F(coverage.Joint[k], 3)} | {F(coverage.BandLow[k], 3)}–{F(coverage.BandHigh[k], 3)} |");
        md.AppendLine();

        md.AppendLine("## Posterior predictive check").AppendLine();
        md.AppendLine($"For {observationDescription}: {ppc.Predictive.GetLength(0)} posterior samples, one simulation each" +
            (ppc.FailedSimulations > 0 ? $" ({ppc.FailedSimulations} failed simulations left out)." : "."));
        md.AppendLine($"Median distance of the predictive x to x_o (MEDDIST): {F(ppc.MedianDistance, 4)}; median distance between two independent predictive draws: {F(ppc.ReferenceMedianDistance, 4)} " +
            $"(ratio {F(ppc.MedianDistance / ppc.ReferenceMedianDistance, 2)}; about 0.7 to 1 when x_o looks like a predictive draw, well above 1 when it is far from them).").AppendLine();
        md.AppendLine("| data | x_o | percentile among predictive draws | extreme (outside 0.5%–99.5%) |");
        md.AppendLine("|---|---|---|---|");
        for (int j = 0; j < dataNames.Length; j++)
            md.AppendLine($"| {dataNames[j]} | {F(ppc.Observation[j], 4)} | {F(100 * ppc.Percentiles[j], 1)}% | {(ppc.IsExtreme(j) ? "yes" : "no")} |");
        return md.ToString();
    }

    /// <summary>What the ranks and coverage say about one parameter, in words; the thresholds are the 99% bands.</summary>
    private static string Reading(RankUniformity test, double meanRank, double[] empirical, CoverageResult coverage)
    {
        bool uniform = test.PValue >= RejectBelow && test.WithinEcdfBand;
        var notes = new List<string>();
        var under = coverage.Levels.Where((_, k) => empirical[k] < coverage.BandLow[k]).ToArray();
        var over = coverage.Levels.Where((_, k) => empirical[k] > coverage.BandHigh[k]).ToArray();
        if (under.Length > 0 && over.Length > 0)
            // Both at once is a wrong shape rather than a wrong width; which levels tell which end is off.
            notes.Add(over.Max() < under.Min()
                ? $"over-covers at levels up to {F(over.Max(), 2)} but under-covers from {F(under.Min(), 2)}: core too wide, tails too short"
                : $"under-covers at levels {Levels(under)}, over-covers at {Levels(over)}: shape differs from the truth");
        else if (under.Length > 0) notes.Add($"under-covers at {Levels(under)}: too narrow, overconfident");
        else if (over.Length > 0) notes.Add($"over-covers at {Levels(over)}: too wide, underconfident");
        // Mean normalised rank of uniform ranks has standard deviation 1/√(12N); 3 of those flags a shift.
        double shiftLimit = 3 / Math.Sqrt(12.0 * test.Counts.Sum());
        if (meanRank < 0.5 - shiftLimit) notes.Add("θ* sits low among the samples (posterior biased upwards)");
        if (meanRank > 0.5 + shiftLimit) notes.Add("θ* sits high among the samples (posterior biased downwards)");
        if (notes.Count == 0) return uniform ? "consistent with calibration" : "ranks not uniform, without a clear width or shift pattern";
        return (uniform ? "ranks pass, but " : "") + string.Join("; ", notes);
    }

    private static string JointReading(RankUniformity joint, CoverageResult coverage)
    {
        var under = coverage.Levels.Where((_, k) => coverage.Joint[k] < coverage.BandLow[k]).ToArray();
        var over = coverage.Levels.Where((_, k) => coverage.Joint[k] > coverage.BandHigh[k]).ToArray();
        var notes = new List<string>();
        if (over.Length > 0) notes.Add($"θ* too often near the centre: joint regions over-cover at {Levels(over)}");
        if (under.Length > 0) notes.Add($"θ* too often far from the centre: joint regions under-cover at {Levels(under)}");
        if (notes.Count > 0) return string.Join("; ", notes);
        return joint.PValue >= RejectBelow && joint.WithinEcdfBand ? "consistent with calibration" : "ranks not uniform";
    }

    /// <summary>The levels, listed when few; a long list reads worse than the coverage table below it.</summary>
    private static string Levels(double[] levels) => levels.Length <= 4 ? string.Join(", ", levels.Select(l => F(l, 2))) : $"{levels.Length} levels between {F(levels.Min(), 2)} and {F(levels.Max(), 2)}";

    private static (double Low, double High) BandAt(CoverageResult coverage, int k) => k < 0 ? (double.NaN, double.NaN) : (coverage.BandLow[k], coverage.BandHigh[k]);

    private static string Coverage(double[] values, int k) => k < 0 ? "–" : F(values[k], 3);

    private static string F(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);
}
