using System.Globalization;
using System.Text;
using Gatsbi.Benchmarks.Applications;
using Gatsbi.Diagnostics;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Plotting;
using Gatsbi.Posteriors;
using Gatsbi.Storage;
using SkiaSharp;

namespace Gatsbi.Cli.Commands;

/// <summary>
/// <c>gatsbi train --task shallow_water|camera</c>: simulates the budget, trains GATSBI with the application's
/// convolutional networks, then judges the posterior on held-out simulations: depth profiles with posterior
/// bands (shallow water) or image grids (camera), their errors, and for shallow water simulation-based
/// calibration over all 100 depths.
/// </summary>
internal static class ApplicationRun
{
    /// <summary>Sample columns shown in the camera image grid after observation, truth, mean and std.</summary>
    private const int ShownSamples = 3;

    public sealed record Settings(string Preset, GatsbiOptions Options, int Simulations, int TestCases, int TestSamples, int SbcDraws, ulong Seed, OutputRequest Outputs);

    /// <summary>The files either application writes besides the training outputs.</summary>
    private static readonly string[] TestCaseFiles = ["test_theta.csv", "test_posterior_mean.csv", "test_posterior_std.csv", "summary.md"];

    private static readonly string[] ShallowWaterFiles = ["profiles.png", "sbc_ranks.csv", "sbc_ecdf_difference.png", "sbc_ecdf_difference_by_depth.png", "sbc_rank_histograms.png"];

    private static readonly string[] CameraFiles = ["images.png"];

    public static int Run(ApplicationModel model, Settings s, CancellationToken cancel)
    {
        Presets.RequireAtLeast(s.Options.HoldOut + 2, s.Simulations, "--simulations");
        if (model.MaxSimulations is { } most && s.Simulations > most)
            throw new ArgumentException($"--simulations {s.Simulations:N0} is more than the {most:N0} images of the prior, which are drawn without replacement.");
        Presets.RequireAtLeast(1, s.TestCases, "--test-cases");
        Presets.RequireAtLeast(2, s.TestSamples, "--test-samples");
        Presets.RequireAtLeast(0, s.SbcDraws, "--sbc-draws");
        var limits = MachineLimits.Current;
        int d = model.ParameterNames.Length, dataDimension = model.DataNames.Length;
        limits.RequireTrainingData("--simulations", s.Simulations, d, dataDimension, s.Options.EnsembleSize);
        limits.RequireSamples("--test-samples", s.TestSamples, d);
        limits.RequireSimulations("--sbc-draws", s.SbcDraws, d, dataDimension);
        using var outputs = s.Outputs.Claim([.. Steps.TrainingFiles, .. TestCaseFiles, .. model is ShallowWaterModel ? ShallowWaterFiles : CameraFiles]);
        Console.WriteLine($"GATSBI on {model.Name} (preset {s.Preset}): {model.Description}; {s.Simulations:N0} simulations, seed {s.Seed}.");
        var data = Steps.Simulate(model.Prior, model.Simulator, s.Simulations, s.Seed);
        var trained = Steps.Train(data, model.PosteriorSupport, s.Options, s.Seed, cancel);
        using var posterior = trained.Posterior;
        var facts = new Dictionary<string, string>
        {
            ["source"] = $"task {model.Name}",
            ["method"] = "gatsbi",
            ["preset"] = s.Preset,
            ["simulations"] = data.Count.ToString(CultureInfo.InvariantCulture),
            ["seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
            ["epochs"] = trained.Epochs.ToString(CultureInfo.InvariantCulture),
            ["stop_reason"] = trained.StopReason.ToString(),
            ["threads"] = trained.Threads.ToString(CultureInfo.InvariantCulture),
            ["training_seconds"] = trained.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture),
        };
        if (model is ShallowWaterModel { Folded: true }) facts["observation_layout"] = Benchmarks.ShallowWater.FoldedSpectrumSimulator.LayoutName;
        bool stopped = trained.StopReason == StopReason.Cancelled;
        Steps.WriteTrainingOutputs(outputs, trained.Log, posterior, new ModelInfo(model.ParameterNames, model.DataNames, facts), stopped, $"GATSBI on {model.Name} (hold-out set)");
        if (stopped) return Steps.StoppedTraining(outputs);

        IReadOnlyList<TestCase> cases;
        using (var bar = new ProgressBar("test cases", s.TestCases))
        {
            cases = TestCases.Draw(model, posterior, s.TestCases, s.TestSamples, s.Seed, bar.AsProgress(), cancel);
            bar.Complete();
        }
        WriteTestCases(outputs, model, cases);
        var report = new StringBuilder()
            .AppendLine($"# GATSBI on {model.Name}")
            .AppendLine()
            .AppendLine($"{model.Description}. Preset {s.Preset}, {data.Count:N0} simulations, {trained.Epochs:N0} epochs in {trained.Elapsed.TotalMinutes:F1} min on {trained.Threads} thread(s), seed {s.Seed}.")
            .AppendLine();
        if (model is ShallowWaterModel) ShallowWaterFigures(s, outputs, model, posterior, cases, report, cancel);
        else CameraFigures(outputs, cases, report);
        string summary = outputs.File("summary.md");
        Steps.WriteText(summary, report.ToString());
        Console.WriteLine($"Summary: {summary}");
        return 0;
    }

    /// <summary>θ*, posterior mean and posterior std of every test case, one row each.</summary>
    private static void WriteTestCases(OutputClaim outputs, ApplicationModel model, IReadOnlyList<TestCase> cases)
    {
        int d = model.ParameterNames.Length;
        foreach (var (file, pick) in new (string, Func<TestCase, IReadOnlyList<double>>)[]
                 {
                     ("test_theta.csv", c => c.Theta.Select(v => (double)v).ToArray()),
                     ("test_posterior_mean.csv", c => c.Mean),
                     ("test_posterior_std.csv", c => c.Std),
                 })
        {
            var rows = new float[cases.Count, d];
            for (int i = 0; i < cases.Count; i++)
            {
                var values = pick(cases[i]);
                for (int j = 0; j < d; j++) rows[i, j] = (float)values[j];
            }
            CsvMatrix.Write(outputs.File(file), new NamedMatrix(model.ParameterNames, rows));
        }
    }

    private static void ShallowWaterFigures(Settings s, OutputClaim outputs, ApplicationModel model, GatsbiPosterior posterior, IReadOnlyList<TestCase> cases, StringBuilder report, CancellationToken cancel)
    {
        // The model's θ are centred depths; plots and errors speak of depths in metres.
        const float meanDepth = (float)Benchmarks.ShallowWater.DepthPrior.MeanDepth;
        var plot = new ProfilePlot { Title = $"Shallow water: posterior depth profiles on {cases.Count} held-out simulations ({s.Simulations:N0} training simulations)", Columns = Math.Min(3, cases.Count) };
        foreach (var c in cases)
        {
            var samples = (float[,])c.Samples.Clone();
            for (int i = 0; i < samples.GetLength(0); i++)
                for (int j = 0; j < samples.GetLength(1); j++) samples[i, j] += meanDepth;
            plot.Add($"test case {c.Index}", [.. c.Theta.Select(v => (double)(v + meanDepth))], samples);
        }
        string profiles = outputs.File("profiles.png");
        plot.SavePng(profiles);
        double coverage = plot.Cases.Average(b => b.Coverage90!.Value);
        double rmse = Math.Sqrt(cases.Average(c => c.MeanSquaredError));
        // The prior mean of the centred depths is 0, so its error is the root mean square of θ*.
        var priorErrors = cases.Select(c => c.Theta.Average(v => (double)v * v)).ToArray();
        double priorRmse = Math.Sqrt(priorErrors.Average());
        double std = cases.Average(c => c.Std.Average());
        Console.WriteLine($"Test cases: the 90% posterior band covers the true depth at {Percent(coverage)} of cells; RMSE of the posterior mean {rmse:F2} m (prior mean: {priorRmse:F2} m); mean posterior std {std:F2} m. Figure: {profiles}");
        report.AppendLine("## Held-out test simulations").AppendLine()
            .AppendLine("| case | cells inside the 90% band | inside the 50% band | RMSE of posterior mean (m) | RMSE of prior mean (m) | mean posterior std (m) |")
            .AppendLine("|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < cases.Count; i++)
            report.AppendLine(FormattableString.Invariant($"| {cases[i].Index} | {Percent(plot.Cases[i].Coverage90!.Value)} | {Percent(plot.Cases[i].Coverage50!.Value)} | {Math.Sqrt(cases[i].MeanSquaredError):F2} | {Math.Sqrt(priorErrors[i]):F2} | {cases[i].Std.Average():F2} |"));
        report.AppendLine(FormattableString.Invariant($"| all | {Percent(coverage)} | {Percent(plot.Cases.Average(b => b.Coverage50!.Value))} | {rmse:F2} | {priorRmse:F2} | {std:F2} |")).AppendLine()
            .AppendLine("![profiles](profiles.png)").AppendLine();
        if (s.SbcDraws > 0) Calibration(s, outputs, model, posterior, report, cancel);
    }

    /// <summary>
    /// SBC over all parameters. With positive depths the rank of θ* among the samples is the published statistic's
    /// (the rank of |d| under a fixed N(0, 10²) density, as in gatsbi/task_utils/shallow_water_model/sbc_analysis.py of
    /// github.com/mackelab/gatsbi) mirrored, so uniformity is the same test.
    /// </summary>
    private static void Calibration(Settings s, OutputClaim outputs, ApplicationModel model, GatsbiPosterior posterior, StringBuilder report, CancellationToken cancel)
    {
        const int posteriorSamples = 100;
        SbcResult sbc;
        using (var bar = new ProgressBar("SBC", 2L * s.SbcDraws))
        {
            sbc = SimulationBasedCalibration.Run(posterior, model.Prior, model.Simulator, new SbcOptions { Draws = s.SbcDraws, PosteriorSamples = posteriorSamples },
                Randomness.Seeds.Derive(s.Seed, Randomness.Seeds.Streams.Diagnostics), bar.AsProgress(), cancel);
            bar.Complete();
        }
        var names = model.ParameterNames;
        var band = EcdfBand.Compute(sbc.Draws);
        var tests = Enumerable.Range(0, names.Length).Select(j => sbc.Uniformity(j, band)).ToArray();
        var joint = RankUniformity.Test(sbc.NormalizedJointRanks(), band, sbc.DefaultBins);

        var ranks = new float[sbc.Draws, names.Length];
        for (int i = 0; i < sbc.Draws; i++)
            for (int j = 0; j < names.Length; j++) ranks[i, j] = sbc.Ranks[i, j];
        CsvMatrix.Write(outputs.File("sbc_ranks.csv"), new NamedMatrix(names, ranks));

        string title = $"SBC on {model.Name}: {sbc.Draws} draws, L = {posteriorSamples}";
        // One panel for all parameters: a short title, because the figure is one panel wide.
        var overlay = new LinePlot { Title = $"SBC ranks of all {names.Length} depths (red: outside the band)", XLabel = $"normalised rank z ({sbc.Draws} draws, L = {posteriorSamples})", YLabel = "ECDF(z) − z" }
            .AddBand($"{DiagnosticFigures.Percent(band.Confidence)} simultaneous band for uniform ranks (one depth)", band.Points, band.Lower, band.Upper, PlotColors.Reference);
        for (int j = 0; j < names.Length; j++)
            overlay.Add(names[j], band.Points, tests[j].EcdfDifference, tests[j].WithinEcdfBand ? new SKColor(0x1f, 0x77, 0xb4, 0x90) : new SKColor(0xd6, 0x27, 0x28));
        overlay.ShowLegend = false;
        overlay.SavePng(outputs.File("sbc_ecdf_difference.png"), 1100, 700);
        DiagnosticFigures.EcdfDifferences(outputs.File("sbc_ecdf_difference_by_depth.png"), $"{title}: ECDF difference of the ranks", names, tests, band, columns: 10);
        DiagnosticFigures.RankHistograms(outputs.File("sbc_rank_histograms.png"), $"{title}: rank histograms", names, tests, joint, posteriorSamples, columns: 10);

        int outside = tests.Count(t => !t.WithinEcdfBand);
        int rejected = tests.Count(t => t.PValue < 0.01);
        // Under calibration each depth's band and test are passed with probability 0.99, so about 1 in 100 fails by chance.
        var failing = Enumerable.Range(0, names.Length).Where(j => !tests[j].WithinEcdfBand).Select(j => names[j]).ToArray();
        Console.WriteLine($"SBC ({sbc.Draws} draws): {outside} of {names.Length} depths leave the 99% ECDF band, {rejected} have χ² p < 0.01 (about 1 expected by chance); joint rank χ² p = {DiagnosticFigures.FormatP(joint.PValue)}.");
        report.AppendLine("## Simulation-based calibration").AppendLine()
            .AppendLine($"{sbc.Draws} prior draws, {posteriorSamples} posterior samples each ({sbc.FailedSimulations} failed simulations, {sbc.IncompleteDraws} incomplete draws).")
            .AppendLine($"Ranks of the true depth among the posterior samples, per depth: {outside} of {names.Length} leave the 99% simultaneous ECDF band" +
                        (failing.Length > 0 ? $" ({string.Join(", ", failing)})" : "") + $"; {rejected} have a rank-histogram χ² p-value below 0.01. A calibrated posterior leaves about 1 of 100 outside by chance.")
            .AppendLine($"Joint (distance) rank: χ² p = {DiagnosticFigures.FormatP(joint.PValue)}.").AppendLine()
            .AppendLine("![sbc](sbc_ecdf_difference.png)").AppendLine();
    }

    private static void CameraFigures(OutputClaim outputs, IReadOnlyList<TestCase> cases, StringBuilder report)
    {
        const int size = 28;
        var grid = new ImageGrid(size, size) { Title = "Camera model: held-out images" }
            .AddColumn("observation", new AxisRange(0, 1))
            .AddColumn("truth", new AxisRange(0, 1))
            .AddColumn("posterior mean", new AxisRange(0, 1))
            .AddColumn("posterior std");
        for (int k = 1; k <= ShownSamples; k++) grid.AddColumn($"sample {k}", new AxisRange(0, 1));
        foreach (var c in cases)
        {
            var images = new List<IReadOnlyList<float>?> { c.X, c.Theta, c.Mean.Select(v => (float)v).ToArray(), c.Std.Select(v => (float)v).ToArray() };
            for (int k = 0; k < ShownSamples; k++) images.Add(c.Samples.Row(Math.Min(k, c.Samples.GetLength(0) - 1)).ToArray());
            grid.AddRow($"case {c.Index}", [.. images]);
        }
        string path = outputs.File("images.png");
        grid.SavePng(path);
        double posteriorMse = cases.Average(c => c.MeanSquaredError);
        var observationErrors = cases.Select(c => TestCase.MeanSquaredDifference(c.X.Select(v => (double)v).ToArray(), c.Theta)).ToArray();
        double observationMse = observationErrors.Average();
        Console.WriteLine($"Test images: MSE of the posterior mean {posteriorMse:F4}, of the blurred observation itself {observationMse:F4}. Figure: {path}");
        report.AppendLine("## Held-out test images").AppendLine()
            .AppendLine("| case | MSE of posterior mean | MSE of the observation | mean posterior std |")
            .AppendLine("|---:|---:|---:|---:|");
        for (int i = 0; i < cases.Count; i++)
            report.AppendLine(FormattableString.Invariant($"| {cases[i].Index} | {cases[i].MeanSquaredError:F4} | {observationErrors[i]:F4} | {cases[i].Std.Average():F4} |"));
        report.AppendLine(FormattableString.Invariant($"| all | {posteriorMse:F4} | {observationMse:F4} | {cases.Average(c => c.Std.Average()):F4} |")).AppendLine()
            .AppendLine("![images](images.png)").AppendLine();
    }

    private static string Percent(double fraction) => DiagnosticFigures.Percent(fraction);
}
