using System.CommandLine;
using Gatsbi.Benchmarks;
using Gatsbi.Distributions;
using Gatsbi.Simulation;
using Gatsbi.Simulation.External;
using Gatsbi.Storage;

namespace Gatsbi.Cli.Commands;

/// <summary>
/// Runs a benchmark task's simulator or an external program to a θ file and an x file, writing finished
/// rows as it goes so that a stopped run can be resumed, and a finished one reused for training.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var task = new Option<string?>("--task") { Description = $"Benchmark task to simulate: {string.Join(", ", TaskRegistry.Names)}" };
        var program = new Option<string?>("--command") { Description = "External simulator to run as worker processes: program and arguments, quoted as in a shell" };
        var protocol = new Option<string?>("--protocol") { Description = "How the external simulator talks: line (default) or binary; see docs/external-simulators.md" };
        var parameters = new Option<int?>("--parameters") { Description = "Parameter dimension d (checked against the prior or θ file)" };
        var data = new Option<int?>("--data") { Description = "Data dimension D: numbers the external simulator returns per simulation" };
        var low = new Option<float[]?>("--prior-low") { Description = "Uniform box prior: lower bounds, one per parameter", AllowMultipleArgumentsPerToken = true };
        var high = new Option<float[]?>("--prior-high") { Description = "Uniform box prior: upper bounds, one per parameter", AllowMultipleArgumentsPerToken = true };
        var thetaIn = new Option<string?>("--theta-in") { Description = "Simulate at these θ rows, in order, instead of drawing from a prior (.csv, .csv.gz or .npy)" };
        var count = new Option<int?>("--count") { Description = "Number of simulations (with --theta-in: its first N rows; default all)" };
        var seed = new Option<ulong>("--seed") { Description = "Root seed: fixes θ from the prior and every simulation's seed", DefaultValueFactory = _ => 1 };
        var thetaOut = new Option<string>("--theta-out") { Description = "Output file of θ: .csv, .csv.gz or .npy", Required = true };
        var xOut = new Option<string>("--x-out") { Description = "Output file of x: .csv, .csv.gz or .npy", Required = true };
        var resume = new Option<bool>("--resume") { Description = "Continue a stopped run after the rows already in the output files" };
        var overwrite = OutputClaim.OverwriteOption();
        var workers = new Option<int>("--workers") { Description = "Worker processes (external) or threads (task)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds one external simulation may take before its worker is killed (default: no limit)" };
        var workdir = new Option<string?>("--workdir") { Description = "Working directory of the external simulator (default: the current one)" };
        var command = new Command("simulate", "Simulate a task or an external program to θ and x files, with resume after a stop.")
        {
            task, program, protocol, parameters, data, low, high, thetaIn, count, seed, thetaOut, xOut, resume, overwrite, workers, timeout, workdir,
        };
        command.SetBody((parse, cancel) =>
        {
            string? taskName = parse.GetValue(task), commandLine = parse.GetValue(program);
            if (taskName is null == commandLine is null)
                throw new ArgumentException("Give either --task NAME or --command \"PROGRAM ARGS\" (an external simulator), not both and not neither.");
            int workerCount = parse.GetValue(workers);
            var limits = MachineLimits.Current;
            // A task simulates on threads of this process; an external simulator runs as worker processes.
            if (commandLine is null) limits.RequireThreads(workerCount, "--workers");
            else limits.RequireProcesses(workerCount, "--workers");
            string thetaPath = parse.GetValue(thetaOut)!, xPath = parse.GetValue(xOut)!;
            bool resuming = parse.GetValue(resume);
            if (resuming && parse.GetValue(overwrite)) throw new ArgumentException("--resume continues the output files and --overwrite replaces them; give one.");

            var benchmark = taskName is null ? null : TaskRegistry.Get(taskName);
            if (benchmark is not null)
                foreach (var (name, given) in new[] { ("--protocol", parse.GetValue(protocol) is not null), ("--data", parse.GetValue(data) is not null),
                             ("--timeout", parse.GetValue(timeout) is not null), ("--workdir", parse.GetValue(workdir) is not null) })
                    if (given) throw new ArgumentException($"{name} applies to external simulators (--command); --task {benchmark.Name} has its own simulator.");
            var source = ThetaSource.Read(parse, benchmark, parameters, low, high, thetaIn, count);
            int dataDimension = benchmark?.DataDimension ?? parse.GetValue(data)
                ?? throw new ArgumentException("--data is required with --command: the number of values the simulator returns per simulation.");
            Presets.RequireAtLeast(1, dataDimension, "--data");
            limits.RequireSimulationFiles("--count", source.Count, source.Dimension, "--data", dataDimension, workerCount);
            string[] dataNames = benchmark?.DataNames ?? CsvMatrix.DefaultNames("data", dataDimension);

            // Claimed once the options are known to be sound, so that a refused run leaves no output behind.
            // Resuming continues the existing files, so they are not refused; they are locked either way.
            using var claim = OutputClaim.ForFiles([("--theta-out", thetaPath), ("--x-out", xPath)], resuming || parse.GetValue(overwrite),
                "add --resume to continue the run that wrote it, or --overwrite to replace it");

            using var external = commandLine is null ? null : ExternalSimulators.Start(commandLine, parse.GetValue(workdir), source.Dimension, dataDimension,
                parse.GetValue(protocol), workerCount, parse.GetValue(timeout));
            ISimulator simulator = (ISimulator?)external ?? benchmark!.Simulator;
            var runner = external is null ? new SimulationRunner { MaxThreads = workerCount } : ExternalSimulators.Runner(workerCount);

            using var files = resuming
                ? SimulationFileWriter.Resume(thetaPath, xPath, source.Names, dataNames)
                : SimulationFileWriter.Create(thetaPath, xPath, source.Names, dataNames);
            string what = external is null ? $"task {benchmark!.Name}" : $"'{external.Command}' ({workerCount} workers, {external.Options.Protocol.ToString().ToLowerInvariant()} protocol)";
            Console.WriteLine($"Simulating {source.Count} rows of {what}, θ {source.Description}, seed {parse.GetValue(seed)}.");
            if (files.Rows > 0) Console.WriteLine($"Resuming: {thetaPath} and {xPath} hold {files.Rows} finished simulations.");

            using var bar = new ProgressBar("simulate", source.Count);
            SimulationFileResult result;
            try
            {
                result = source.Run(runner, simulator, parse.GetValue(seed), files, bar.AsProgress(), cancel);
                bar.Complete();
            }
            catch (Exception e) when (e is SimulationFailedException or OperationCanceledException)
            {
                bar.Complete("stopped");
                Console.Error.WriteLine($"{files.Rows} finished simulations are saved in {thetaPath} and {xPath}; run the same command with --resume to continue.");
                throw;
            }
            Console.WriteLine($"Wrote {result.Rows} simulations to {thetaPath} and {xPath}" +
                (result.ResumedRows > 0 ? $" ({result.ResumedRows} from before, {result.SimulatedRows} new)." : "."));
            if (result.NonFiniteRows > 0)
                Console.WriteLine($"{result.NonFiniteRows} simulations returned NaN or ±∞ (failed); they stay in the files, and training drops them.");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Where θ comes from: a prior (the task's, or a uniform box) drawn with the root seed, or the rows of a
    /// file, simulated in order.
    /// </summary>
    private sealed record ThetaSource(IPrior? Prior, float[,]? Rows, int Count, int Dimension, string[] Names, string Description)
    {
        public SimulationFileResult Run(SimulationRunner runner, ISimulator simulator, ulong seed, SimulationFileWriter files,
            IProgress<WorkProgress> progress, CancellationToken cancellation) =>
            Prior is not null
                ? runner.RunToFiles(Prior, simulator, Count, seed, files, progress, cancellation)
                : runner.SimulateToFiles(simulator, Rows!, seed, files, progress, cancellation);

        public static ThetaSource Read(ParseResult parse, BenchmarkTask? benchmark, Option<int?> parameters, Option<float[]?> low, Option<float[]?> high,
            Option<string?> thetaIn, Option<int?> count)
        {
            float[]? lowValues = BoxBounds.Values(parse, low), highValues = BoxBounds.Values(parse, high);
            string? file = parse.GetValue(thetaIn);
            if (benchmark is not null && (lowValues is not null || highValues is not null))
                throw new ArgumentException($"--task {benchmark.Name} brings its own prior; --prior-low/--prior-high are for external simulators.");
            if (file is not null && (lowValues is not null || highValues is not null))
                throw new ArgumentException("Give θ either as a prior (--prior-low/--prior-high) or as rows (--theta-in), not both.");
            int? dimension = parse.GetValue(parameters);
            if (dimension is { } d)
            {
                Presets.RequireAtLeast(1, d, "--parameters");
                if (benchmark is not null && d != benchmark.ParameterDimension)
                    throw new ArgumentException($"--parameters is {d}, but task {benchmark.Name} has {benchmark.ParameterDimension} parameters.");
            }
            int? n = parse.GetValue(count);
            if (n is { } given) Presets.RequireAtLeast(1, given, "--count");

            if (file is not null)
            {
                var rows = MatrixFile.Read(file, "parameter");
                int expected = dimension ?? benchmark?.ParameterDimension ?? rows.Columns;
                if (rows.Columns != expected)
                    throw new ArgumentException($"--theta-in {file} has {rows.Columns} columns; expected {expected} (one per parameter).");
                if (rows.Rows == 0) throw new ArgumentException($"--theta-in {file} has no rows.");
                if (n > rows.Rows) throw new ArgumentException($"--count {n} is more than the {rows.Rows} rows of --theta-in {file}.");
                int used = n ?? rows.Rows;
                return new ThetaSource(null, rows.Values.SliceRows(0, used), used, rows.Columns, rows.ColumnNames, $"from the rows of {file}");
            }
            int draws = n ?? throw new ArgumentException("--count is required when θ is drawn from a prior.");
            if (benchmark is not null)
                return new ThetaSource(benchmark.Prior, null, draws, benchmark.ParameterDimension, benchmark.ParameterNames, $"from the task's prior {benchmark.PriorDescription}");
            var box = BoxBounds.Read(lowValues, highValues, dimension, "--parameters")
                ?? throw new ArgumentException("An external simulator needs θ: a uniform box prior (--prior-low a b ... --prior-high a b ...) or rows to simulate at (--theta-in FILE).");
            return new ThetaSource(new BoxUniform(box.Low, box.High), null, draws, box.Dimension, CsvMatrix.DefaultNames("parameter", box.Dimension), "from the uniform box prior");
        }
    }
}
