using Gatsbi.Diagnostics;
using Gatsbi.Plotting;
using SkiaSharp;

namespace Gatsbi.Cli;

/// <summary>The PNG figures of <c>gatsbi diagnose</c>, built from the diagnostics' results.</summary>
internal static class DiagnosticFigures
{
    /// <summary>Dark grey for what a calibrated posterior would give (expected counts, the diagonal), distinct from the lighter band.</summary>
    private static readonly SKColor Expected = new(0x44, 0x44, 0x44);

    /// <summary>Predictive panels drawn at most; tasks with long data vectors show the first ones.</summary>
    public const int MaxPredictivePanels = 12;

    public static void RankHistograms(string path, string title, string[] names, RankUniformity[] tests, RankUniformity joint, int posteriorSamples, int? columns = null)
    {
        var grid = new PlotGrid { Title = title, Columns = columns };
        for (int j = 0; j < names.Length; j++) grid.Add(RankHistogram($"{names[j]} (χ² p = {FormatP(tests[j].PValue)})", tests[j], posteriorSamples, "rank of θ* among the samples"));
        grid.Add(RankHistogram($"joint: distance rank (p = {FormatP(joint.PValue)})", joint, posteriorSamples, "samples nearer the centre than θ*"));
        grid.SavePng(path);
    }

    public static void EcdfDifferences(string path, string title, string[] names, RankUniformity[] tests, EcdfBand band, int? columns = null)
    {
        var grid = new PlotGrid { Title = title, Columns = columns };
        for (int j = 0; j < names.Length; j++)
            grid.Add(new LinePlot
                {
                    Title = $"{names[j]} ({(tests[j].WithinEcdfBand ? "inside" : "outside")} the band)",
                    XLabel = "normalised rank z",
                    YLabel = "ECDF(z) − z",
                }
                .AddBand($"{Percent(band.Confidence)} simultaneous band for uniform ranks", band.Points, band.Lower, band.Upper, PlotColors.Reference)
                .Add("uniform ranks", [0.0, 1.0], [0.0, 0.0], Expected)
                .Add("ECDF difference of the ranks", band.Points, tests[j].EcdfDifference, PlotColors.Gatsbi));
        grid.SavePng(path);
    }

    public static void Coverage(string path, string title, string[] names, CoverageResult coverage)
    {
        var plot = new LinePlot
        {
            Title = title,
            XLabel = "credibility level (nominal coverage)",
            YLabel = "empirical coverage",
            XRange = new AxisRange(0, 1),
            YRange = new AxisRange(0, 1),
        };
        plot.AddBand($"{Percent(ExpectedCoverage.BandConfidence)} band of a calibrated posterior", coverage.Levels, coverage.BandLow, coverage.BandHigh, PlotColors.Reference)
            .Add("calibrated (diagonal)", [0.0, 1.0], [0.0, 1.0], Expected);
        for (int j = 0; j < names.Length; j++) plot.Add($"{names[j]} (central intervals)", coverage.Levels, coverage.Marginal[j], PlotColors.Cycle[j % PlotColors.Cycle.Count]);
        plot.Add("joint (distance regions)", coverage.Levels, coverage.Joint, SKColors.Black);
        plot.SavePng(path, 1100, 700);
    }

    public static void PosteriorPredictive(string path, string title, string[] dataNames, PpcResult ppc)
    {
        int shown = Math.Min(dataNames.Length, MaxPredictivePanels);
        var grid = new PlotGrid { Title = shown < dataNames.Length ? $"{title} (first {shown} of {dataNames.Length} data dimensions)" : title };
        for (int j = 0; j < shown; j++)
        {
            var values = Enumerable.Range(0, ppc.Predictive.GetLength(0)).Select(i => (double)ppc.Predictive[i, j]).Order().ToArray();
            var (edges, counts) = Histogram(values, ppc.Observation[j]);
            grid.Add(new LinePlot { Title = $"{dataNames[j]} (x_o at percentile {Percent(ppc.Percentiles[j])})", XLabel = dataNames[j], YLabel = "predictive draws" }
                .AddBars("posterior predictive", edges, counts, PlotColors.Gatsbi)
                .AddVerticalLine("observation x_o", ppc.Observation[j], PlotColors.Truth));
        }
        grid.SavePng(path);
    }

    private static LinePlot RankHistogram(string title, RankUniformity test, int posteriorSamples, string xLabel)
    {
        int bins = test.Counts.Length;
        // Normalised ranks are binned on (0, 1); in rank units a bin spans (L + 1)/bins ranks.
        var edges = Enumerable.Range(0, bins + 1).Select(b => b * (posteriorSamples + 1.0) / bins).ToArray();
        double[] ends = [0.0, posteriorSamples + 1.0];
        return new LinePlot { Title = title, XLabel = xLabel, YLabel = "draws" }
            .AddBand($"{Percent(RankUniformity.HistogramBandConfidence)} band per bin for uniform ranks", ends, [test.BandLow, test.BandLow], [test.BandHigh, test.BandHigh], PlotColors.Reference)
            .AddBars("SBC draws per rank bin", edges, test.Counts.Select(c => (double)c).ToArray(), PlotColors.Gatsbi)
            .Add("expected count", ends, [test.Expected, test.Expected], Expected);
    }

    /// <summary>30 equal bins over the central 99% of the draws, widened to include x_o, so one outlier does not squash the rest.</summary>
    private static (double[] Edges, double[] Counts) Histogram(double[] sorted, double observation)
    {
        const int Bins = 30;
        double low = Math.Min(sorted[(int)(0.005 * (sorted.Length - 1))], observation);
        double high = Math.Max(sorted[(int)Math.Ceiling(0.995 * (sorted.Length - 1))], observation);
        if (!(high > low)) (low, high) = (low - 0.5, high + 0.5);
        double width = (high - low) / Bins;
        var counts = new double[Bins];
        foreach (double v in sorted)
            if (v >= low && v <= high) counts[Math.Min(Bins - 1, (int)((v - low) / width))]++;
        return (Enumerable.Range(0, Bins + 1).Select(b => low + b * width).ToArray(), counts);
    }

    public static string Percent(double fraction) => (100 * fraction).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "%";

    /// <summary>A p-value in three decimals, in scientific notation below 0.001, and as a bound where it underflows.</summary>
    public static string FormatP(double p) => p == 0 ? "< 1e-300" : p < 0.001 ? p.ToString("0.0e0", System.Globalization.CultureInfo.InvariantCulture) : p.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
}
