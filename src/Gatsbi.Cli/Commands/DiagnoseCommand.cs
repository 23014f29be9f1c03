using System.CommandLine;
using Gatsbi.Benchmarks;
using Gatsbi.Diagnostics;
using Gatsbi.Distributions;
using Gatsbi.Simulation;
using Gatsbi.Storage;

namespace Gatsbi.Cli.Commands;

/// <summary>
/// Calibration diagnostics of a saved model on a benchmark task (its prior and simulator): simulation-based
/// calibration, expected coverage and a posterior predictive check, written as CSV, Markdown and PNG.
/// </summary>
internal static class DiagnoseCommand
{
    private static readonly string[] OutputFiles =
        ["sbc_ranks.csv", "coverage.csv", "ppc_predictive.csv", "summary.md", "sbc_rank_histograms.png", "sbc_ecdf_difference.png", "coverage.png", "ppc.png"];

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model file written by 'gatsbi train'", Required = true };
        var task = new Option<string?>("--task") { Description = $"Benchmark task the model was trained on (its prior and simulator are used): {string.Join(", ", TaskRegistry.Names)}" };
        var observation = new Option<int?>("--observation") { Description = "sbibm observation number (1..10) for the predictive check (default 1)" };
        var observationFile = new Option<string?>("--observation-file") { Description = "The observation x_o for the predictive check: one row of .csv, .csv.gz or .npy" };
        var draws = new Option<int>("--sbc-draws") { Description = "Prior draws for simulation-based calibration (N)", DefaultValueFactory = _ => 1_000 };
        var samples = new Option<int>("--posterior-samples") { Description = "Posterior samples each prior draw is ranked among (L)", DefaultValueFactory = _ => 100 };
        var predictive = new Option<int>("--ppc-samples") { Description = "Posterior samples simulated for the predictive check", DefaultValueFactory = _ => 1_000 };
        var seed = new Option<ulong>("--seed") { Description = "Root seed of all draws", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "Output folder", Required = true };
        var program = new Option<string?>("--command") { Description = "For a model trained on your own data: the external simulator, program and arguments quoted as in a shell" };
        var protocol = new Option<string?>("--protocol") { Description = "How the external simulator talks: line (default) or binary" };
        var low = new Option<float[]?>("--prior-low") { Description = "With --command: uniform box prior, lower bounds (default: the support saved in the model)", AllowMultipleArgumentsPerToken = true };
        var high = new Option<float[]?>("--prior-high") { Description = "With --command: uniform box prior, upper bounds", AllowMultipleArgumentsPerToken = true };
        var workers = new Option<int>("--workers") { Description = "External simulator worker processes", DefaultValueFactory = _ => Environment.ProcessorCount };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds one external simulation may take before its worker is killed" };
        var overwrite = OutputClaim.OverwriteOption();
        var command = new Command("diagnose", "Check a trained posterior's calibration: SBC ranks, expected coverage and a posterior predictive check.")
        {
            model, task, observation, observationFile, draws, samples, predictive, seed, output, program, protocol, low, high, workers, timeout, overwrite,
        };
        command.SetBody((parse, cancel) =>
        {
            string? taskName = parse.GetValue(task), commandLine = parse.GetValue(program);
            if (taskName is null == commandLine is null)
                throw new ArgumentException("Give --task NAME (a benchmark task: its prior and simulator are used) or --command \"PROGRAM ARGS\" " +
                                            "(the external simulator of a model trained on your own data), not both and not neither.");
            if (parse.GetValue(observation) is not null && parse.GetValue(observationFile) is not null)
                throw new ArgumentException("Give --observation K or --observation-file FILE, not both.");
            int n = parse.GetValue(draws), l = parse.GetValue(samples), m = parse.GetValue(predictive);
            Presets.RequireAtLeast(2, n, "--sbc-draws");
            Presets.RequireAtLeast(1, l, "--posterior-samples");
            Presets.RequireAtLeast(2, m, "--ppc-samples");
            string modelPath = parse.GetValue(model)!;
            var loaded = PosteriorFile.Load(modelPath);
            using var posterior = loaded.Posterior;
            var benchmark = taskName is null ? null : TaskRegistry.Get(taskName);
            if (benchmark is not null)
            {
                foreach (var (name, given) in new[] { ("--protocol", parse.GetValue(protocol) is not null), ("--prior-low", BoxBounds.Values(parse, low) is not null),
                             ("--prior-high", BoxBounds.Values(parse, high) is not null), ("--timeout", parse.GetValue(timeout) is not null) })
                    if (given) throw new ArgumentException($"{name} applies to external simulators (--command); --task {benchmark.Name} has its own prior and simulator.");
                if (posterior.ParameterDimension != benchmark.ParameterDimension || posterior.DataDimension != benchmark.DataDimension)
                    throw new ArgumentException($"{modelPath} maps data of dimension {posterior.DataDimension} to {posterior.ParameterDimension} parameters; task {benchmark.Name} has {benchmark.DataDimension} and {benchmark.ParameterDimension}.");
                if (loaded.Info.Training.TryGetValue("source", out var source) && source.StartsWith("task ", StringComparison.Ordinal) && source != $"task {benchmark.Name}")
                    Console.Error.WriteLine($"warning: {modelPath} was trained on {source}, not task {benchmark.Name}.");
            }
            var (xo, observationDescription, _) = ObservationOptions.Read(parse, observation, observationFile, benchmark, posterior.DataDimension, "the predictive check");
            int workerCount = parse.GetValue(workers);
            var limits = MachineLimits.Current;
            limits.RequireProcesses(workerCount, "--workers");
            // SBC holds its N prior draws with their simulations and draws L samples at a time; the predictive check simulates M samples.
            limits.RequireSimulations("--sbc-draws", n, posterior.ParameterDimension, posterior.DataDimension);
            limits.RequireSamples("--posterior-samples", l, posterior.ParameterDimension);
            limits.RequireSimulations("--ppc-samples", m, posterior.ParameterDimension, posterior.DataDimension);
            IPrior prior = benchmark?.Prior ?? UserPrior(parse, low, high, posterior.Support, modelPath, posterior.ParameterDimension);
            using var outputs = OutputClaim.ForFolder("--out", parse.GetValue(output)!, parse.GetValue(overwrite), OutputFiles);
            using var external = commandLine is null ? null : ExternalSimulators.Start(commandLine, null, posterior.ParameterDimension, posterior.DataDimension,
                parse.GetValue(protocol), workerCount, parse.GetValue(timeout));
            ISimulator simulator = (ISimulator?)external ?? benchmark!.Simulator;
            var runner = external is null ? new SimulationRunner() : ExternalSimulators.Runner(workerCount);
            string subject = benchmark is null ? $"external simulator '{commandLine}'" : $"task {benchmark.Name}";
            ulong root = parse.GetValue(seed);
            var names = loaded.Info.ParameterNames;

            Console.WriteLine($"Diagnosing {modelPath} with {subject}: SBC with {n} prior draws × {l} posterior samples, predictive check on {observationDescription}, seed {root}.");
            SbcResult sbc;
            using (var bar = new ProgressBar("SBC", 2L * n))
            {
                sbc = SimulationBasedCalibration.Run(posterior, prior, simulator, new SbcOptions { Draws = n, PosteriorSamples = l, Runner = runner }, root, bar.AsProgress(), cancel);
                bar.Complete();
            }
            var band = EcdfBand.Compute(sbc.Draws);
            var tests = Enumerable.Range(0, names.Length).Select(j => sbc.Uniformity(j, band)).ToArray();
            var joint = RankUniformity.Test(sbc.NormalizedJointRanks(), band, sbc.DefaultBins);
            var coverage = ExpectedCoverage.FromSbc(sbc);
            PpcResult ppc;
            using (var bar = new ProgressBar("PPC", m))
            {
                ppc = PosteriorPredictiveCheck.Run(posterior, simulator, xo, new PpcOptions { PosteriorSamples = m, Runner = runner }, root, bar.AsProgress());
                bar.Complete();
            }

            WriteOutputs(outputs, benchmark?.Name ?? "your simulator", names, loaded.Info.DataNames, sbc, tests, joint, band, coverage, ppc, observationDescription);
            int at90 = Array.IndexOf(coverage.Levels, 0.9);
            for (int j = 0; j < names.Length; j++)
                Console.WriteLine($"{names[j]}: χ² p = {DiagnosticFigures.FormatP(tests[j].PValue)}, ECDF {(tests[j].WithinEcdfBand ? "inside" : "outside")} the band, 90% interval covers {DiagnosticFigures.Percent(coverage.Marginal[j][at90])}");
            return 0;
        });
        return command;
    }

    /// <summary>The box prior of a model trained on user data: --prior-low/--prior-high, else the support saved in the model.</summary>
    private static IPrior UserPrior(ParseResult parse, Option<float[]?> low, Option<float[]?> high, Support? saved, string modelPath, int dimension)
    {
        var box = BoxBounds.Read(BoxBounds.Values(parse, low), BoxBounds.Values(parse, high), dimension, modelPath) ?? saved;
        if (box is null || !box.Low.All(float.IsFinite) || !box.High.All(float.IsFinite))
            throw new ArgumentException($"SBC draws parameters from the prior: give --prior-low and --prior-high ({modelPath} holds no finite support to use instead).");
        return new BoxUniform(box.Low, box.High);
    }

    private static void WriteOutputs(OutputClaim outputs, string taskName, string[] names, string[] dataNames, SbcResult sbc, RankUniformity[] tests,
        RankUniformity joint, EcdfBand band, CoverageResult coverage, PpcResult ppc, string observationDescription)
    {
        var ranks = new float[sbc.Draws, names.Length + 1];
        for (int i = 0; i < sbc.Draws; i++)
        {
            for (int j = 0; j < names.Length; j++) ranks[i, j] = sbc.Ranks[i, j];
            ranks[i, names.Length] = sbc.JointRanks[i];
        }
        CsvMatrix.Write(outputs.File("sbc_ranks.csv"), new NamedMatrix([.. names, "joint"], ranks));

        var coverageRows = new float[coverage.Levels.Length, names.Length + 4];
        for (int k = 0; k < coverage.Levels.Length; k++)
        {
            coverageRows[k, 0] = (float)coverage.Levels[k];
            for (int j = 0; j < names.Length; j++) coverageRows[k, j + 1] = (float)coverage.Marginal[j][k];
            coverageRows[k, names.Length + 1] = (float)coverage.Joint[k];
            coverageRows[k, names.Length + 2] = (float)coverage.BandLow[k];
            coverageRows[k, names.Length + 3] = (float)coverage.BandHigh[k];
        }
        CsvMatrix.Write(outputs.File("coverage.csv"), new NamedMatrix(["level", .. names, "joint", "band_low", "band_high"], coverageRows));
        CsvMatrix.Write(outputs.File("ppc_predictive.csv"), new NamedMatrix(dataNames, ppc.Predictive));

        string heading = $"Diagnostics of a GATSBI posterior on {taskName}";
        Steps.WriteText(outputs.File("summary.md"),
            DiagnosticsSummary.Write(heading, names, dataNames, sbc, tests, joint, band, coverage, ppc, observationDescription));
        string sbcTitle = $"SBC on {taskName}: {sbc.Draws} draws, L = {sbc.PosteriorSamples}";
        DiagnosticFigures.RankHistograms(outputs.File("sbc_rank_histograms.png"), $"{sbcTitle}: rank histograms", names, tests, joint, sbc.PosteriorSamples);
        DiagnosticFigures.EcdfDifferences(outputs.File("sbc_ecdf_difference.png"), $"{sbcTitle}: ECDF difference of the ranks", names, tests, band);
        DiagnosticFigures.Coverage(outputs.File("coverage.png"), $"Expected coverage on {taskName} ({sbc.Draws} draws)", names, coverage);
        DiagnosticFigures.PosteriorPredictive(outputs.File("ppc.png"), $"Posterior predictive check on {taskName}, {observationDescription}", dataNames, ppc);
        Console.WriteLine($"Wrote sbc_ranks.csv, coverage.csv, ppc_predictive.csv, summary.md and four PNG figures to {outputs.Folder}");
    }
}
