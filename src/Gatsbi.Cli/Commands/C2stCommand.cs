using System.CommandLine;
using Gatsbi.Metrics;
using Gatsbi.Storage;

namespace Gatsbi.Cli.Commands;

/// <summary>Classifier two-sample test between two CSV files of samples (sbibm's definition).</summary>
internal static class C2stCommand
{
    public static Command Create()
    {
        var reference = new Argument<string>("reference") { Description = "CSV of reference samples (z-scoring uses its statistics)" };
        var samples = new Argument<string>("samples") { Description = "CSV of samples to test" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of folds and classifier", DefaultValueFactory = _ => 1 };
        var command = new Command("c2st", "Classifier two-sample test: 0.5 means indistinguishable, 1.0 fully separable.")
        {
            reference, samples, seed,
        };
        command.SetAction(parse => CommandRunner.Run(cancel =>
        {
            string a = parse.GetValue(reference)!, b = parse.GetValue(samples)!;
            var x = CsvMatrix.Read(a);
            var y = CsvMatrix.Read(b);
            if (x.Columns != y.Columns)
                throw new ArgumentException($"{a} has {x.Columns} columns but {b} has {y.Columns}; C2ST compares samples of the same parameters.");
            var result = Steps.C2st(x.Values, y.Values, new C2stOptions { Seed = parse.GetValue(seed) }, cancel);
            Console.WriteLine($"C2ST = {Steps.Format(result.Accuracy)} (folds: {string.Join(", ", result.FoldAccuracies.Select(Steps.Format))})");
            return 0;
        }));
        return command;
    }
}
