using System.CommandLine;
using Gatsbi.Benchmarks;
using Gatsbi.Metrics;
using Gatsbi.Storage;

namespace Gatsbi.Cli.Commands;

/// <summary>
/// Classifier two-sample test (sbibm's definition) between two files of samples, or between a file of
/// samples and a benchmark task's reference posterior.
/// </summary>
internal static class C2stCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files")
        {
            Description = "REFERENCE SAMPLES (.csv, .csv.gz or .npy; z-scoring uses the reference's statistics), or only SAMPLES with --task",
            Arity = new ArgumentArity(1, 2),
        };
        var task = new Option<string?>("--task") { Description = "Compare against this task's reference posterior instead of a reference file" };
        var observation = new Option<int>("--observation") { Description = "Observation number (1..10) of --task", DefaultValueFactory = _ => 1 };
        var references = ReferenceOptions.Folder();
        var seed = new Option<ulong>("--seed") { Description = "Seed of folds, classifier and, for sets of different sizes, the subsample of the larger", DefaultValueFactory = _ => 1 };
        var command = new Command("c2st", "Classifier two-sample test: 0.5 means indistinguishable, 1.0 fully separable. Sets of different sizes are compared at the smaller size, as sbibm compares them.")
        {
            files, task, observation, references, seed,
        };
        command.SetBody((parse, cancel) =>
        {
            var paths = parse.GetValue(files)!;
            var taskName = parse.GetValue(task);
            (float[,] Values, string Name) reference;
            string samplesPath;
            if (taskName is not null)
            {
                if (paths.Length != 1)
                    throw new ArgumentException($"With --task, give only the samples file; got {paths.Length} files.");
                var benchmark = TaskRegistry.Get(taskName, parse.GetValue(references));
                int number = parse.GetValue(observation);
                reference = (benchmark.ReferencePosterior(number), $"{benchmark.Name} reference posterior {number} ({benchmark.FindReference(number)!.Description})");
                samplesPath = paths[0];
            }
            else
            {
                if (paths.Length != 2)
                    throw new ArgumentException("Give two files (reference, then samples), or one samples file with --task.");
                reference = (MatrixFile.Read(paths[0], "parameter").Values, paths[0]);
                samplesPath = paths[1];
            }
            var samples = MatrixFile.Read(samplesPath, "parameter");
            if (reference.Values.GetLength(1) != samples.Columns)
                throw new ArgumentException($"{reference.Name} has {reference.Values.GetLength(1)} columns but {samplesPath} has {samples.Columns}; C2ST compares samples of the same parameters.");
            var result = Steps.C2st(reference.Values, samples.Values, new C2stOptions { Seed = parse.GetValue(seed) }, cancel, reference.Name, samplesPath);
            Console.WriteLine($"C2ST = {Steps.Format(result.Accuracy)} (folds: {string.Join(", ", result.FoldAccuracies.Select(Steps.Format))})");
            return 0;
        });
        return command;
    }
}
