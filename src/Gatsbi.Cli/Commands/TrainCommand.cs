using System.CommandLine;
using Gatsbi.Benchmarks;
using Gatsbi.Distributions;
using Gatsbi.Simulation;
using Gatsbi.Storage;

namespace Gatsbi.Cli.Commands;

/// <summary>
/// Trains a GATSBI posterior either on a benchmark task (simulating its budget) or on user data: a θ file
/// and an x file with one simulation per row.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var task = new Option<string?>("--task") { Description = $"Benchmark task to simulate: {string.Join(", ", TaskRegistry.Names)}" };
        var thetaFile = new Option<string?>("--theta") { Description = "Parameters, one simulation per row (with --x): .csv, .csv.gz or .npy" };
        var xFile = new Option<string?>("--x") { Description = "Simulated data, row i simulated from row i of --theta: .csv, .csv.gz or .npy" };
        var low = new Option<float[]?>("--prior-low") { Description = "Lower support bounds for user data (one per parameter)", AllowMultipleArgumentsPerToken = true };
        var high = new Option<float[]?>("--prior-high") { Description = "Upper support bounds for user data (one per parameter)", AllowMultipleArgumentsPerToken = true };
        var simulations = new Option<int>("--simulations") { Description = "Simulation budget for --task", DefaultValueFactory = _ => 10_000 };
        var preset = new Option<string>("--preset") { Description = "fast (tuned for CPUs) or paper (the published configuration)", DefaultValueFactory = _ => "fast" };
        var seed = new Option<ulong>("--seed") { Description = "Root seed of the whole run", DefaultValueFactory = _ => 1 };
        var epochs = new Option<int?>("--epochs") { Description = "Override the preset's epoch count" };
        var ensemble = Presets.EnsembleOption();
        var threads = new Option<int?>("--threads") { Description = "TorchSharp threads (default: chosen by network size)" };
        var output = new Option<string>("--out") { Description = "Output folder", Required = true };
        var command = new Command("train", "Train a GATSBI posterior and save it as one model file.")
        {
            task, thetaFile, xFile, low, high, simulations, preset, seed, epochs, threads, ensemble, output,
        };
        command.SetAction(parse => CommandRunner.Run(cancel =>
        {
            ulong root = parse.GetValue(seed);
            string presetName = parse.GetValue(preset)!;
            var options = Presets.WithOverrides(Presets.Get(presetName), parse.GetValue(epochs), parse.GetValue(threads), parse.GetValue(ensemble));
            var (data, support, parameterNames, dataNames, source) = LoadData(parse, task, thetaFile, xFile, low, high, simulations, root);

            var result = Steps.Train(data, support, options, root, cancel);
            using var posterior = result.Posterior;
            var info = new ModelInfo(parameterNames, dataNames, new Dictionary<string, string>
            {
                ["source"] = source, ["preset"] = presetName, ["simulations"] = data.Count.ToString(), ["seed"] = root.ToString(),
                ["epochs"] = result.Epochs.ToString(), ["stop_reason"] = result.StopReason.ToString(), ["threads"] = result.Threads.ToString(),
                ["ensemble"] = posterior.Members.Count.ToString(),
            });
            Steps.WriteTrainingOutputs(parse.GetValue(output)!, result, posterior, info);
            return 0;
        }));
        return command;
    }

    private static (SimulationSet Data, Support? Support, string[] ParameterNames, string[] DataNames, string Source) LoadData(
        ParseResult parse, Option<string?> task, Option<string?> thetaFile, Option<string?> xFile,
        Option<float[]?> low, Option<float[]?> high, Option<int> simulations, ulong seed)
    {
        string? taskName = parse.GetValue(task);
        string? thetaPath = parse.GetValue(thetaFile), xPath = parse.GetValue(xFile);
        if (taskName is not null == (thetaPath is not null || xPath is not null))
            throw new ArgumentException("Give either --task, or --theta and --x (user data), not both and not neither.");
        if (taskName is not null)
        {
            var benchmark = TaskRegistry.Get(taskName);
            Presets.RequireAtLeast(1, parse.GetValue(simulations), "--simulations");
            var set = Steps.Simulate(benchmark.Prior, benchmark.Simulator, parse.GetValue(simulations), seed);
            return (set, benchmark.Prior.Support, benchmark.ParameterNames, benchmark.DataNames, $"task {benchmark.Name}");
        }
        if (thetaPath is null || xPath is null) throw new ArgumentException("User data needs both --theta and --x.");
        var theta = MatrixFile.Read(thetaPath, "parameter");
        var x = MatrixFile.Read(xPath, "data");
        if (theta.Rows != x.Rows)
            throw new ArgumentException($"--theta ({thetaPath}) has {theta.Rows} rows but --x ({xPath}) has {x.Rows}; row i of each must belong to the same simulation.");
        var support = BoxBounds.Read(BoxBounds.Values(parse, low), BoxBounds.Values(parse, high), theta.Columns, thetaPath);
        return (new SimulationSet(theta.Values, x.Values), support, theta.ColumnNames, x.ColumnNames, $"files {thetaPath}, {xPath}");
    }
}
