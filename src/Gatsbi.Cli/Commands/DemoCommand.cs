using System.CommandLine;
using Gatsbi.Benchmarks;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Metrics;
using Gatsbi.Storage;

namespace Gatsbi.Cli.Commands;

/// <summary>
/// The main job on an embedded default: two_moons, 10,000 simulations, the Fast preset, then posterior
/// samples for observation 1 scored by C2ST against the reference posterior. Any other benchmark task can
/// be run the same way with --task.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder for samples, plots and the model", DefaultValueFactory = _ => "gatsbi-demo" };
        var seed = new Option<ulong>("--seed") { Description = "Root seed of the whole run", DefaultValueFactory = _ => 1 };
        var simulations = new Option<int>("--simulations") { Description = "Simulation budget", DefaultValueFactory = _ => 10_000 };
        var observation = new Option<int>("--observation") { Description = "sbibm observation number (1..10)", DefaultValueFactory = _ => 1 };
        var epochs = new Option<int?>("--epochs") { Description = "Override the preset's epoch count" };
        var threads = new Option<int?>("--threads") { Description = "TorchSharp threads for training (default: chosen by network size)" };
        var taskName = new Option<string>("--task") { Description = $"Benchmark task: {string.Join(", ", TaskRegistry.Names)}", DefaultValueFactory = _ => "two_moons" };
        var references = ReferenceOptions.Folder();
        var overwrite = OutputClaim.OverwriteOption();
        var command = new Command("demo", "Train GATSBI on two_moons (10,000 simulations, Fast preset) and score it by C2ST against the reference posterior.")
        {
            output, seed, simulations, observation, epochs, threads, taskName, references, overwrite,
        };
        command.SetBody((parse, cancel) =>
        {
            var task = TaskRegistry.Get(parse.GetValue(taskName)!, parse.GetValue(references));
            int number = parse.GetValue(observation);
            // Read the reference before spending the compute: a broken file in --references fails now, not after training.
            var reference = task.ReferencePosterior(number);
            Presets.RequireAtLeast(1, parse.GetValue(simulations), "--simulations");
            var x0 = task.Observation(number);
            string dir = parse.GetValue(output)!;
            ulong root = parse.GetValue(seed);
            var options = Presets.WithOverrides(Presets.Get("fast"), parse.GetValue(epochs), parse.GetValue(threads));
            MachineLimits.Current.RequireTrainingData("--simulations", parse.GetValue(simulations), task.ParameterDimension, task.DataDimension, options.EnsembleSize);
            using var outputs = OutputClaim.ForFolder("--out", dir, parse.GetValue(overwrite), [.. Steps.TrainingFiles, "samples.csv", "pairplot.png"]);
            Console.WriteLine($"GATSBI demo: {task.Name}, {parse.GetValue(simulations)} simulations, Fast preset, seed {root}, observation {number}.");

            var data = Steps.Simulate(task.Prior, task.Simulator, parse.GetValue(simulations), root);
            var result = Steps.Train(data, task.Prior.Support, options, root, cancel);
            using var posterior = result.Posterior;
            var info = new ModelInfo(task.ParameterNames, task.DataNames, new Dictionary<string, string>
            {
                ["task"] = task.Name, ["preset"] = "fast", ["simulations"] = data.Count.ToString(), ["seed"] = root.ToString(),
                ["epochs"] = result.Epochs.ToString(), ["stop_reason"] = result.StopReason.ToString(), ["threads"] = result.Threads.ToString(),
            });
            bool stopped = result.StopReason == StopReason.Cancelled;
            Steps.WriteTrainingOutputs(outputs, result.Log, posterior, info, stopped);
            if (stopped) return Steps.StoppedTraining(outputs);

            var samples = Steps.Sample(posterior, x0, BenchmarkTask.ReferenceSampleCount, root, $"observation {number}");
            if (Steps.Shortfall(samples) is { } shortfall) Console.Error.WriteLine($"warning: {shortfall}.");
            string csv = outputs.File("samples.csv");
            CsvMatrix.Write(csv, new NamedMatrix(task.ParameterNames, samples.Samples));
            Console.WriteLine($"Samples: {csv}");
            Steps.WritePairPlot(outputs.File("pairplot.png"), task.ParameterNames, samples.Samples, reference,
                task.Prior.Support, task.TrueParameters(number), $"{task.Name}, observation {number}: GATSBI vs reference");

            var c2st = Steps.C2st(reference, samples.Samples, new C2stOptions(), cancel, "the reference posterior", "the GATSBI samples");
            Console.WriteLine($"C2ST = {Steps.Format(c2st.Accuracy)} (observation {number}; 0.5 is perfect)");
            return 0;
        });
        return command;
    }
}
