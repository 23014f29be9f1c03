using System.CommandLine;
using System.Globalization;
using Gatsbi.Benchmarks;
using Gatsbi.Benchmarks.Applications;
using Gatsbi.Benchmarks.Running;
using Gatsbi.Distributions;
using Gatsbi.Inference;
using Gatsbi.Inference.Abc;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Inference.Gatsbi.Sequential;
using Gatsbi.Inference.Npe;
using Gatsbi.Simulation;
using Gatsbi.Storage;

namespace Gatsbi.Cli.Commands;

/// <summary>
/// Trains a posterior either on a benchmark task (simulating its budget) or on user data: a θ file and an x
/// file with one simulation per row. GATSBI and NPE are amortised and save a model file; REJ-ABC and SMC-ABC
/// spend the budget on one observation and write its posterior samples.
/// </summary>
internal static class TrainCommand
{
    public static readonly string[] Methods = ["gatsbi", "npe", "rej-abc", "smc-abc"];

    /// <summary>What the ABC methods write for their one observation.</summary>
    private static readonly string[] AbcFiles = ["samples.csv", "particles.csv", "pairplot.png"];

    public static Command Create()
    {
        var method = new Option<string>("--method") { Description = $"Inference method: {string.Join(", ", Methods)}", DefaultValueFactory = _ => "gatsbi" };
        var task = new Option<string?>("--task") { Description = $"Benchmark task to simulate: {string.Join(", ", TaskRegistry.Names)}; or an application of the paper: {string.Join(", ", ApplicationRegistry.Names)}" };
        var thetaFile = new Option<string?>("--theta") { Description = "Parameters, one simulation per row (with --x): .csv, .csv.gz or .npy" };
        var xFile = new Option<string?>("--x") { Description = "Simulated data, row i simulated from row i of --theta: .csv, .csv.gz or .npy" };
        var low = new Option<float[]?>("--prior-low") { Description = "Lower support bounds for user data (one per parameter)", AllowMultipleArgumentsPerToken = true };
        var high = new Option<float[]?>("--prior-high") { Description = "Upper support bounds for user data (one per parameter)", AllowMultipleArgumentsPerToken = true };
        var simulations = new Option<int>("--simulations") { Description = "Simulation budget for --task", DefaultValueFactory = _ => 10_000 };
        var preset = new Option<string>("--preset") { Description = "GATSBI preset: fast (tuned for CPUs) or paper (the published configuration)", DefaultValueFactory = _ => "fast" };
        var flow = Presets.FlowOption();
        var seed = new Option<ulong>("--seed") { Description = "Root seed of the whole run", DefaultValueFactory = _ => 1 };
        var epochs = new Option<int?>("--epochs") { Description = "Override the preset's epoch count (GATSBI), or cap NPE's epochs" };
        var ensemble = Presets.EnsembleOption();
        var unrolled = Presets.UnrolledStepsOption();
        var threads = new Option<int?>("--threads") { Description = "TorchSharp threads (default: chosen by network size for GATSBI, 1 for NPE)" };
        var observation = new Option<string?>("--observation") { Description = "ABC and --sequential: the task's observation number (1..10, default 1) or a file with the observation x_o (one row of .csv, .csv.gz or .npy)" };
        var observationFile = new Option<string?>("--observation-file") { Description = "ABC and --sequential: the observation x_o, one row of .csv, .csv.gz or .npy" };
        var samples = new Option<int>("--samples") { Description = "ABC and --sequential: posterior samples to write", DefaultValueFactory = _ => 10_000 };
        var sequential = new Option<bool>("--sequential") { Description = "Sequential GATSBI: after an amortised round 0, rounds of simulations drawn from the posterior at the observation (needs --task)" };
        var rounds = Presets.RoundsOption();
        var roundEpochs = Presets.RoundEpochsOption();
        var priorMixture = Presets.PriorMixtureOption();
        var correction = Presets.CorrectionOption();
        var prior = new Option<string?>("--prior") { Description = "camera: the image prior, an IDX file (plain or .gz) or a folder of 28×28 images (default: Fashion-MNIST's training images; its test images are then the held-out cases)" };
        var testCases = new Option<int>("--test-cases") { Description = "shallow_water, camera: held-out simulations to judge the posterior on and plot", DefaultValueFactory = _ => 6 };
        var testSamples = new Option<int>("--test-samples") { Description = "shallow_water, camera: posterior samples per held-out simulation", DefaultValueFactory = _ => 1_000 };
        var sbcDraws = new Option<int>("--sbc-draws") { Description = "shallow_water: prior draws for simulation-based calibration (0 skips it)", DefaultValueFactory = _ => 200 };
        var output = new Option<string>("--out") { Description = "Output folder", Required = true };
        var overwrite = OutputClaim.OverwriteOption();
        var command = new Command("train", "Train a posterior (GATSBI or NPE: saved as one model file; REJ-ABC or SMC-ABC: samples for one observation).")
        {
            method, task, thetaFile, xFile, low, high, simulations, preset, flow, seed, epochs, threads, ensemble, unrolled, observation, observationFile, samples,
            sequential, rounds, roundEpochs, priorMixture, correction, prior, testCases, testSamples, sbcDraws, output, overwrite,
        };
        command.SetBody((parse, cancel) =>
        {
            ulong root = parse.GetValue(seed);
            var outputs = new OutputRequest(parse.GetValue(output)!, parse.GetValue(overwrite));
            string name = parse.GetValue(method)!.ToLowerInvariant();
            if (!Methods.Contains(name)) throw new ArgumentException($"--method: unknown method '{name}'. Known methods: {string.Join(", ", Methods)}.");
            var npeOptions = Presets.Npe(parse.GetValue(flow)!, parse.GetValue(epochs), parse.GetValue(threads));
            string presetName = parse.GetValue(preset)!;
            if (parse.GetValue(task) is { } taskName && ApplicationRegistry.Contains(taskName))
            {
                if (name != "gatsbi" || parse.GetValue(sequential))
                    throw new ArgumentException($"--task {taskName} trains amortised GATSBI with convolutional networks; --method {name}{(parse.GetValue(sequential) ? " --sequential" : "")} does not apply to it.");
                if (parse.GetValue(observation) is not null || parse.GetValue(observationFile) is not null || parse.GetValue(thetaFile) is not null || parse.GetValue(xFile) is not null)
                    throw new ArgumentException($"--task {taskName} simulates its own training and held-out test data; --observation, --observation-file, --theta and --x do not apply (use gatsbi sample with the saved model for your own observation).");
                var model = ApplicationRegistry.Create(taskName, presetName, parse.GetValue(prior));
                var options = Presets.WithOverrides(model.Options(presetName), parse.GetValue(epochs), parse.GetValue(threads), parse.GetValue(ensemble), parse.GetValue(unrolled));
                int budget = parse.GetResult(simulations) is { Implicit: false } ? parse.GetValue(simulations) : model.DefaultSimulations;
                return ApplicationRun.Run(model, new ApplicationRun.Settings(presetName.ToLowerInvariant(), options, budget, parse.GetValue(testCases),
                    parse.GetValue(testSamples), parse.GetValue(sbcDraws), root, outputs), cancel);
            }
            if (parse.GetValue(prior) is not null)
                throw new ArgumentException($"--prior sets the image prior of --task {CameraModel.TaskName}.");
            var gatsbi = Presets.WithOverrides(Presets.Get(presetName), parse.GetValue(epochs), parse.GetValue(threads), parse.GetValue(ensemble), parse.GetValue(unrolled));
            if (parse.GetValue(sequential))
            {
                if (name != "gatsbi") throw new ArgumentException($"--sequential runs sequential GATSBI; it does not apply to --method {name}.");
                var options = Presets.Sequential(gatsbi, parse.GetValue(ensemble), Presets.Correction(parse.GetValue(correction)!), parse.GetValue(rounds), parse.GetValue(roundEpochs), parse.GetValue(priorMixture));
                return RunSequential(parse, options, presetName, task, thetaFile, xFile, simulations, observation, observationFile, samples, root, outputs, cancel);
            }
            if (name is "rej-abc" or "smc-abc")
                return RunAbc(parse, name, task, thetaFile, xFile, low, high, simulations, observation, observationFile, samples, root, outputs, cancel);
            if (parse.GetValue(observation) is not null || parse.GetValue(observationFile) is not null)
                throw new ArgumentException($"--observation and --observation-file apply to the ABC methods and to --sequential; {name} is amortised and serves any observation (use gatsbi sample).");

            using var claim = outputs.Claim(Steps.TrainingFiles);
            var (data, support, parameterNames, dataNames, source) = LoadData(parse, task, thetaFile, xFile, low, high, simulations, root, name == "npe" ? 1 : gatsbi.EnsembleSize);
            var facts = new Dictionary<string, string> { ["source"] = source, ["simulations"] = data.Count.ToString(), ["seed"] = root.ToString() };
            if (name == "npe")
            {
                var result = Steps.TrainNpe(data, support, npeOptions, root, cancel);
                using var npe = result.Posterior;
                facts["method"] = "npe";
                facts["flow"] = npeOptions.Flow.Kind.ToString().ToLowerInvariant();
                facts["epochs"] = result.Epochs.ToString();
                facts["best_epoch"] = result.BestEpoch.ToString();
                facts["stop_reason"] = result.StopReason.ToString();
                facts["threads"] = result.Threads.ToString();
                bool interrupted = result.StopReason == NpeStopReason.Cancelled;
                Steps.WriteNpeOutputs(claim, result, new ModelInfo(parameterNames, dataNames, facts), interrupted);
                return interrupted ? Steps.StoppedTraining(claim) : 0;
            }

            var trained = Steps.Train(data, support, gatsbi, root, cancel);
            using var posterior = trained.Posterior;
            facts["method"] = "gatsbi";
            facts["preset"] = presetName;
            facts["epochs"] = trained.Epochs.ToString();
            facts["stop_reason"] = trained.StopReason.ToString();
            facts["threads"] = trained.Threads.ToString();
            facts["ensemble"] = posterior.Members.Count.ToString();
            if (gatsbi.UnrolledSteps > 0) facts["unrolled_steps"] = gatsbi.UnrolledSteps.ToString();
            bool partial = trained.StopReason == StopReason.Cancelled;
            Steps.WriteTrainingOutputs(claim, trained.Log, posterior, new ModelInfo(parameterNames, dataNames, facts), partial);
            return partial ? Steps.StoppedTraining(claim) : 0;
        });
        return command;
    }

    /// <summary>
    /// REJ-ABC on a task (fresh simulations) or on user files (the whole bank is the budget); SMC-ABC on a task.
    /// Writes the posterior samples, the accepted particles with weights and distances, and a pair plot.
    /// </summary>
    private static int RunAbc(ParseResult parse, string name, Option<string?> task, Option<string?> thetaFile, Option<string?> xFile,
        Option<float[]?> low, Option<float[]?> high, Option<int> simulations, Option<string?> observation, Option<string?> observationFile,
        Option<int> samples, ulong root, OutputRequest outputs, CancellationToken cancel)
    {
        int count = parse.GetValue(samples);
        Presets.RequireAtLeast(1, count, "--samples");
        using var claim = outputs.Claim(AbcFiles);
        string? taskName = parse.GetValue(task);
        var benchmark = taskName is null ? null : TaskRegistry.Get(taskName);
        var limits = MachineLimits.Current;
        AbcResult result;
        string[] parameterNames;
        float[] xo;
        string description;
        int? number;
        if (benchmark is not null)
        {
            if (parse.GetValue(thetaFile) is not null || parse.GetValue(xFile) is not null)
                throw new ArgumentException("Give either --task, or --theta and --x (user data), not both.");
            (xo, description, number) = ObservationOptions.Read(parse, observation, observationFile, benchmark, benchmark.DataDimension, name);
            int budget = parse.GetValue(simulations);
            Presets.RequireAtLeast(1, budget, "--simulations");
            limits.RequireSimulations("--simulations", budget, benchmark.ParameterDimension, benchmark.DataDimension);
            limits.RequireMatrix("--samples", count, benchmark.ParameterDimension);
            parameterNames = benchmark.ParameterNames;
            Console.WriteLine($"{name.ToUpperInvariant()} on task {benchmark.Name}, {description}, {budget:N0} simulations, seed {root}.");
            using var bar = new ProgressBar(name, budget);
            result = name == "rej-abc"
                ? new RejectionAbc().Run(benchmark.Prior, benchmark.Simulator, xo, budget, root, bar.AsProgress(), cancel)
                : new SmcAbc().Run(benchmark.Prior, benchmark.Simulator, xo, budget, root, bar.AsProgress(), cancel);
            bar.Complete();
        }
        else
        {
            if (name == "smc-abc")
                throw new ArgumentException("SMC-ABC simulates as it goes, so it needs a simulator: give --task. With simulations already in files (--theta, --x) use --method rej-abc.");
            var (data, _, names, _, source) = LoadData(parse, task, thetaFile, xFile, low, high, simulations, root, ensemble: 1);
            (xo, description, number) = ObservationOptions.Read(parse, observation, observationFile, null, data.DataDimension, name);
            limits.RequireMatrix("--samples", count, data.ParameterDimension);
            parameterNames = names;
            Console.WriteLine($"REJ-ABC on {source}, {description}: {data.Count:N0} simulations.");
            result = new RejectionAbc().Run(data, xo);
        }
        cancel.ThrowIfCancellationRequested();
        Console.WriteLine($"{result.Populations} population(s), {result.SimulationsUsed:N0} simulations, final ε {result.Epsilons[^1]:G4}" +
                          (result.Posterior.Kde is { } kde ? $", KDE bandwidth {kde.Bandwidth:G4}" : "") + $"; {result.Elapsed.TotalSeconds:F1} s.");

        var drawn = result.Posterior.Sample(xo, count, root).Samples;
        string samplesPath = claim.File("samples.csv");
        MatrixFile.Write(samplesPath, new NamedMatrix(parameterNames, drawn));
        var particles = new float[result.Particles.GetLength(0), parameterNames.Length + 2];
        for (int i = 0; i < particles.GetLength(0); i++)
        {
            for (int j = 0; j < parameterNames.Length; j++) particles[i, j] = result.Particles[i, j];
            particles[i, parameterNames.Length] = (float)result.Weights[i];
            particles[i, parameterNames.Length + 1] = (float)result.Distances[i];
        }
        string particlesPath = claim.File("particles.csv");
        MatrixFile.Write(particlesPath, new NamedMatrix([.. parameterNames, "weight", "distance"], particles));
        Console.WriteLine($"Samples: {samplesPath}; accepted particles: {particlesPath}");
        WritePairPlot(claim, benchmark, number, parameterNames, drawn, $"{name.ToUpperInvariant()}, {description}, {result.SimulationsUsed:N0} simulations",
            name.ToUpperInvariant());
        return 0;
    }

    /// <summary>
    /// Sequential GATSBI on a task for one observation: simulates every round, saves the posterior (a generator
    /// trained for this observation), posterior samples at it, the training log of all rounds and a pair plot.
    /// </summary>
    private static int RunSequential(ParseResult parse, SequentialOptions options, string presetName, Option<string?> task, Option<string?> thetaFile,
        Option<string?> xFile, Option<int> simulations, Option<string?> observation, Option<string?> observationFile, Option<int> samples,
        ulong root, OutputRequest outputs, CancellationToken cancel)
    {
        int count = parse.GetValue(samples);
        Presets.RequireAtLeast(1, count, "--samples");
        if (parse.GetValue(thetaFile) is not null || parse.GetValue(xFile) is not null)
            throw new ArgumentException("--sequential simulates every round as it goes, so it needs a simulator: give --task, not --theta and --x.");
        string taskName = parse.GetValue(task) ?? throw new ArgumentException("--sequential needs --task: later rounds simulate at parameters drawn from the posterior.");
        var benchmark = TaskRegistry.Get(taskName);
        var (xo, description, number) = ObservationOptions.Read(parse, observation, observationFile, benchmark, benchmark.DataDimension, "sequential GATSBI");
        int budget = parse.GetValue(simulations);
        options.Validate(budget);
        var limits = MachineLimits.Current;
        limits.RequireTrainingData("--simulations", budget, benchmark.ParameterDimension, benchmark.DataDimension, options.Gatsbi.EnsembleSize);
        limits.RequireSamples("--samples", count, benchmark.ParameterDimension);
        var budgets = options.Budgets(budget);
        using var claim = outputs.Claim([.. Steps.TrainingFiles, "samples.csv", "pairplot.png"]);
        Console.WriteLine($"Sequential GATSBI ({SequentialGatsbiMethod.NameOf(options.Correction)}, preset {presetName}) on task {benchmark.Name}, {description}, " +
                          $"{budget:N0} simulations in {options.Rounds} rounds ({string.Join(" + ", budgets.Select(b => b.ToString("N0")))}), seed {root}.");
        SequentialResult result;
        using (var bar = new ProgressBar("sequential", 1))
        {
            result = new SequentialGatsbi(options).Run(benchmark.Prior, benchmark.Simulator, xo, budget, root, bar.AsProgress(), cancel);
            bar.Complete();
        }
        using var posterior = result.Posterior;
        bool stopped = cancel.IsCancellationRequested;
        if (stopped)
            Console.WriteLine($"Stopped during round {result.Rounds.Count - 1} of {options.Rounds - 1}; saving the posterior trained so far.");
        foreach (var round in result.Rounds)
            Console.WriteLine($"  round {round.Index}: {round.Simulations:N0} simulations ({round.DroppedSimulations} dropped), {round.Epochs:N0} epochs, {round.Elapsed.TotalSeconds:F1} s" +
                              (round.Index > 0 ? $"; ratio classifiers {round.ThetaClassifierEpochs} (θ) and {round.DataClassifierEpochs} (x) epochs, {round.ClassifierSeconds:F1} s" : ""));
        var facts = new Dictionary<string, string>
        {
            ["source"] = $"task {benchmark.Name}",
            ["method"] = "gatsbi-sequential",
            ["correction"] = options.Correction.ToString(),
            ["preset"] = presetName,
            ["observation"] = string.Join(" ", xo.Select(v => v.ToString("R", CultureInfo.InvariantCulture))),
            ["simulations"] = budget.ToString(),
            ["round_simulations"] = string.Join(" ", budgets),
            ["epochs"] = result.Epochs.ToString(),
            ["threads"] = result.Threads.ToString(),
            ["ensemble"] = posterior.Members.Count.ToString(),
            ["seed"] = root.ToString(),
        };
        if (options.Gatsbi.UnrolledSteps > 0) facts["unrolled_steps"] = options.Gatsbi.UnrolledSteps.ToString();
        Steps.WriteTrainingOutputs(claim, result.Log, posterior, new ModelInfo(benchmark.ParameterNames, benchmark.DataNames, facts), stopped,
            "Sequential GATSBI training, all rounds (hold-out set of round 0)");
        if (stopped) return Steps.StoppedTraining(claim);
        var drawn = posterior.Sample(xo, count, root).Samples;
        string samplesPath = claim.File("samples.csv");
        MatrixFile.Write(samplesPath, new NamedMatrix(benchmark.ParameterNames, drawn));
        Console.WriteLine($"Samples at the observation: {samplesPath}");
        WritePairPlot(claim, benchmark, number, benchmark.ParameterNames, drawn,
            $"{SequentialGatsbiMethod.NameOf(options.Correction)}, {description}, {budget:N0} simulations", "GATSBI");
        return 0;
    }

    /// <summary>Samples against the reference posterior and true parameters when the observation is one of the task's.</summary>
    private static void WritePairPlot(OutputClaim outputs, BenchmarkTask? benchmark, int? number, string[] names, float[,] drawn, string title, string label)
    {
        bool hasReference = benchmark is not null && number is { } k && benchmark.HasReferencePosterior(k);
        Steps.WritePairPlot(outputs.File("pairplot.png"), names, drawn,
            hasReference ? benchmark!.ReferencePosterior(number!.Value) : null, benchmark?.Prior.Support,
            hasReference ? benchmark!.TrueParameters(number!.Value) : null, title, label: label);
    }

    /// <summary>
    /// The training data: a task's simulations (checked against the memory for <paramref name="ensemble"/>
    /// generators, 1 for NPE, before simulating) or the user's θ and x files, θ inside the prior box when one is given.
    /// </summary>
    private static (SimulationSet Data, Support? Support, string[] ParameterNames, string[] DataNames, string Source) LoadData(
        ParseResult parse, Option<string?> task, Option<string?> thetaFile, Option<string?> xFile,
        Option<float[]?> low, Option<float[]?> high, Option<int> simulations, ulong seed, int ensemble)
    {
        string? taskName = parse.GetValue(task);
        string? thetaPath = parse.GetValue(thetaFile), xPath = parse.GetValue(xFile);
        if (taskName is not null == (thetaPath is not null || xPath is not null))
            throw new ArgumentException("Give either --task, or --theta and --x (user data), not both and not neither.");
        if (taskName is not null)
        {
            var benchmark = TaskRegistry.Get(taskName);
            Presets.RequireAtLeast(1, parse.GetValue(simulations), "--simulations");
            MachineLimits.Current.RequireTrainingData("--simulations", parse.GetValue(simulations), benchmark.ParameterDimension, benchmark.DataDimension, ensemble);
            var set = Steps.Simulate(benchmark.Prior, benchmark.Simulator, parse.GetValue(simulations), seed);
            return (set, benchmark.Prior.Support, benchmark.ParameterNames, benchmark.DataNames, $"task {benchmark.Name}");
        }
        if (thetaPath is null || xPath is null) throw new ArgumentException("User data needs both --theta and --x.");
        var theta = MatrixFile.Read(thetaPath, "parameter");
        var x = MatrixFile.Read(xPath, "data");
        if (theta.Rows != x.Rows)
            throw new ArgumentException($"--theta ({thetaPath}) has {theta.Rows} rows but --x ({xPath}) has {x.Rows}; row i of each must belong to the same simulation.");
        var support = BoxBounds.Read(BoxBounds.Values(parse, low), BoxBounds.Values(parse, high), theta.Columns, thetaPath);
        if (support is not null) BoxBounds.RequireInside(support, theta, $"--theta {thetaPath}");
        return (new SimulationSet(theta.Values, x.Values), support, theta.ColumnNames, x.ColumnNames, $"files {thetaPath}, {xPath}");
    }
}
