using System.CommandLine;
using System.Globalization;
using Gatsbi.Benchmarks;
using Gatsbi.Benchmarks.Running;
using Gatsbi.Cli.Benchmarking;
using Gatsbi.Inference;
using Gatsbi.Inference.Abc;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Inference.Gatsbi.Sequential;
using Gatsbi.Inference.Npe;
using Gatsbi.Nn.Flows;
using Gatsbi.Simulation;

namespace Gatsbi.Cli.Commands;

/// <summary>
/// Runs methods × tasks × budgets × observations, scores every cell by C2ST and MMD against the reference
/// posterior, and writes results.csv (resumable), summary.md beside the published numbers, and plots.
/// </summary>
internal static class BenchCommand
{
    /// <summary>Sequential GATSBI, one name per correction (a run per observation).</summary>
    public static readonly string[] SequentialMethods = ["gatsbi-inv", "gatsbi-imp", "gatsbi-ebm"];

    public static Command Create()
    {
        var tasks = new Option<string[]>("--tasks") { Description = "Tasks (comma-separated or repeated)", DefaultValueFactory = _ => ["two_moons"], AllowMultipleArgumentsPerToken = true };
        var methods = new Option<string[]>("--methods") { Description = $"Methods: {string.Join(", ", [.. TrainCommand.Methods, .. SequentialMethods])} (comma-separated or repeated)", DefaultValueFactory = _ => ["gatsbi"], AllowMultipleArgumentsPerToken = true };
        var preset = new Option<string>("--preset") { Description = "GATSBI preset: fast or paper", DefaultValueFactory = _ => "fast" };
        var budgets = new Option<string>("--budgets") { Description = "Simulation budgets, comma-separated", DefaultValueFactory = _ => "1000,10000,100000" };
        var observations = new Option<string>("--observations") { Description = "Observation numbers: a list (1,2,5) or a range (1-10)", DefaultValueFactory = _ => "1-10" };
        var seeds = new Option<string>("--seeds") { Description = "Root seeds, comma-separated (one training run per seed)", DefaultValueFactory = _ => "1" };
        var epochs = new Option<int?>("--epochs") { Description = "Override the GATSBI preset's epoch count" };
        var flow = Presets.FlowOption();
        var rounds = Presets.RoundsOption();
        var roundEpochs = Presets.RoundEpochsOption();
        var priorMixture = Presets.PriorMixtureOption();
        var ensemble = Presets.EnsembleOption();
        var unrolled = Presets.UnrolledStepsOption();
        var threads = new Option<int?>("--threads") { Description = "TorchSharp threads for training (default: chosen by network size)" };
        var references = ReferenceOptions.Folder();
        var output = new Option<string>("--out") { Description = "Output folder: results.csv, summary.md, plots/", Required = true };
        var noPairPlots = new Option<bool>("--no-pair-plots") { Description = "Skip the pair plot of every scored cell" };
        var samples = new Option<int>("--posterior-samples") { Description = "Posterior samples per cell, scored against as many reference samples", DefaultValueFactory = _ => BenchmarkTask.ReferenceSampleCount };
        var command = new Command("bench", "Benchmark methods on tasks × budgets × observations: C2ST and MMD per cell, summary beside the published numbers, plots. Resumes a stopped run.")
        {
            tasks, methods, preset, flow, rounds, roundEpochs, priorMixture, budgets, observations, seeds, epochs, threads, ensemble, unrolled, references, output, noPairPlots, samples,
        };
        command.SetBody((parse, cancel) =>
        {
            var taskNames = SplitList(parse.GetValue(tasks)!);
            foreach (var name in taskNames) TaskRegistry.Get(name); // unknown names fail before any work
            string presetName = parse.GetValue(preset)!;
            var options = Presets.WithOverrides(Presets.Get(presetName), parse.GetValue(epochs), parse.GetValue(threads), parse.GetValue(ensemble), parse.GetValue(unrolled));
            // Checked even when NPE is not among the methods, so that a mistyped --flow never goes unnoticed.
            var npe = NpeMethodFor(parse.GetValue(flow)!, parse.GetValue(threads));
            // The three corrections differ only after round 0, which they share.
            using var firstRounds = new SharedFirstRounds();
            SequentialGatsbiMethod Sequential(SequentialCorrection correction) => new(presetName.ToLowerInvariant(),
                Presets.Sequential(options, parse.GetValue(ensemble), correction, parse.GetValue(rounds), parse.GetValue(roundEpochs), parse.GetValue(priorMixture)),
                firstRounds);
            var methodList = SplitList(parse.GetValue(methods)!).Select(m => m.ToLowerInvariant() switch
            {
                "gatsbi" => (IInferenceMethod)new GatsbiMethod(presetName.ToLowerInvariant(), options),
                "gatsbi-inv" => Sequential(SequentialCorrection.InverseImportanceWeights),
                "gatsbi-imp" => Sequential(SequentialCorrection.ImportanceWeights),
                "gatsbi-ebm" => Sequential(SequentialCorrection.EnergyBased),
                "npe" => npe,
                "rej-abc" => new RejectionAbcMethod(new RejectionAbcOptions()),
                "smc-abc" => new SmcAbcMethod(new SmcAbcOptions()),
                _ => throw new ArgumentException($"--methods: unknown method '{m}'. Known methods: {string.Join(", ", [.. TrainCommand.Methods, .. SequentialMethods])}."),
            }).ToList();
            var plan = new BenchmarkPlan(taskNames, methodList, ParseInts(parse.GetValue(budgets)!, "--budgets"),
                ObservationOptions.ParseNumbers(parse.GetValue(observations)!, "--observations"), ParseInts(parse.GetValue(seeds)!, "--seeds").Select(s => (ulong)s).ToList(),
                parse.GetValue(references));
            foreach (int b in plan.Budgets) Presets.RequireAtLeast(options.HoldOut + 2, b, "--budgets");
            int posteriorSamples = parse.GetValue(samples);
            var limits = MachineLimits.Current;
            int ensembleSize = methodList.Any(m => m is GatsbiMethod) ? options.EnsembleSize : 1;
            foreach (var task in taskNames.Select(name => TaskRegistry.Get(name)))
            {
                limits.RequireTrainingData("--budgets", plan.Budgets.DefaultIfEmpty().Max(), task.ParameterDimension, task.DataDimension, ensembleSize);
                limits.RequireSamples("--posterior-samples", posteriorSamples, task.ParameterDimension);
            }

            string folder = parse.GetValue(output)!;
            using var claim = OutputClaim.ForResumedFolder("--out", folder);
            var results = new ResultsFile(Path.Combine(folder, "results.csv"));
            int already = results.Read().Count(r => r.Succeeded);
            Console.WriteLine($"Benchmark: {plan.CellCount} cells ({string.Join(", ", plan.Tasks)}; {string.Join(", ", plan.Budgets)} simulations; " +
                              $"observations {string.Join(",", plan.Observations)}; seeds {string.Join(",", plan.Seeds)}); results in {results.Path}" +
                              (already > 0 ? $", {already} cells already finished there." : "."));
            var observer = new ConsoleObserver(Path.Combine(folder, "plots"), !parse.GetValue(noPairPlots));
            try
            {
                Presets.RequireAtLeast(10, posteriorSamples, "--posterior-samples");
                new BenchmarkRunner { PosteriorSamples = posteriorSamples }.Run(plan, results, observer, cancel);
            }
            finally
            {
                // Whatever finished, summarise it, even after Ctrl+C or an error.
                observer.Close();
                WriteSummary(folder, results);
            }
            return 0;
        });
        return command;
    }

    /// <summary>sbibm's NPE; the preset names the flow when it is not the published NSF.</summary>
    private static NpeMethod NpeMethodFor(string flow, int? threads)
    {
        var options = Presets.Npe(flow, null, threads);
        return new NpeMethod(options.Flow.Kind == FlowKind.Nsf ? "sbibm" : "sbibm-maf", options);
    }

    private static void WriteSummary(string folder, ResultsFile results)
    {
        var rows = results.Read();
        if (rows.Count == 0) return;
        string summary = Path.Combine(folder, "summary.md");
        Steps.WriteText(summary, SummaryTable.Markdown(rows));
        Console.WriteLine($"Summary: {summary}");
        foreach (var plot in BenchmarkPlots.WriteBudgetPlots(Path.Combine(folder, "plots"), rows)) Console.WriteLine($"Plot: {plot}");
    }

    private static List<string> SplitList(string[] values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    private static List<int> ParseInts(string text, string option) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s =>
            int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0 ? v
                : throw new ArgumentException($"{option}: '{s}' is not a non-negative whole number (in '{text}').")).ToList();

    /// <summary>Progress bars, a line per scored cell, training curves and pair plots.</summary>
    private sealed class ConsoleObserver(string plots, bool pairPlots) : IBenchmarkObserver
    {
        private ProgressBar? _bar;

        private readonly Dictionary<BenchmarkGroup, int> _firstObservation = [];

        private int FirstObservation(BenchmarkGroup group) => _firstObservation.GetValueOrDefault(group);

        public void GroupStarting(BenchmarkGroup group, IReadOnlyList<int> observations)
        {
            Close();
            _firstObservation[group] = observations[0];
            Console.WriteLine($"{group.Task.Name}, {group.Method.Name} ({group.Method.Preset}), {group.Simulations:N0} simulations, seed {group.Seed}: observations {string.Join(",", observations)}");
        }

        public IProgress<WorkProgress> SimulationProgress(BenchmarkGroup group) => Replace(new ProgressBar("simulate", group.Simulations)).AsProgress();

        public IProgress<WorkProgress> MethodProgress(BenchmarkGroup group, int? observation) =>
            Replace(new ProgressBar(observation is { } k ? $"observation {k}" : "train", group.Method is GatsbiMethod g ? g.Options.Epochs(group.Simulations) : group.Simulations)).AsProgress();

        public void Trained(BenchmarkGroup group, int? observation, TrainedPosterior trained)
        {
            Close();
            if (observation is { } k)
                Console.WriteLine($"  observation {k,2}: {group.Method.Name} ran in {trained.Elapsed.TotalSeconds:F1} s");
            else
                Console.WriteLine($"  trained {trained.Epochs} epochs in {trained.Elapsed.TotalSeconds:F1} s ({trained.Threads} thread(s))");
            // Per-observation methods draw their curves for the first observation only: one figure shows their behaviour.
            if (trained.Curves is { } curves && (observation is null || observation == FirstObservation(group)))
                Steps.WriteTrainingCurves(Path.Combine(plots, GroupName(group), "training.png"), curves,
                    $"{group.Task.Name}, {group.Method.Name}, {group.Simulations:N0} simulations" + (observation is { } o ? $", observation {o}" : ""));
        }

        public void Scored(BenchmarkGroup group, ResultRow row, float[,] samples, float[,] reference)
        {
            Console.WriteLine($"  observation {row.Key.Observation,2}: C2ST {row.C2st:F3}  MMD² {row.Mmd:F4}  (sampling {row.SamplingSeconds:F2} s)");
            if (!pairPlots) return;
            var task = group.Task;
            Steps.WritePairPlot(Path.Combine(plots, GroupName(group), $"pairplot_observation_{row.Key.Observation}.png"), task.ParameterNames,
                samples, reference, task.Prior.Support, task.TrueParameters(row.Key.Observation),
                $"{task.Name}, {group.Method.Name}, {group.Simulations:N0} sim., obs. {row.Key.Observation}: C2ST {row.C2st:F3}", quiet: true,
                label: group.Method.Name);
        }

        public void Failed(CellKey cell, Exception error)
        {
            Close();
            Console.Error.WriteLine($"  failed: {cell}: {error.Message}");
        }

        public void Close()
        {
            _bar?.Dispose();
            _bar = null;
        }

        private ProgressBar Replace(ProgressBar bar)
        {
            Close();
            return _bar = bar;
        }

        private static string GroupName(BenchmarkGroup g) => $"{g.Task.Name}_{g.Method.Name.ToLowerInvariant()}-{g.Method.Preset}_{g.Simulations}_seed{g.Seed}";
    }
}
