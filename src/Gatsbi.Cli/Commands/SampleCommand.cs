using System.CommandLine;
using Gatsbi.Benchmarks.ShallowWater;
using Gatsbi.Storage;

namespace Gatsbi.Cli.Commands;

/// <summary>Draws posterior samples from a saved model for an observation given as a one-row file.</summary>
internal static class SampleCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model file written by 'gatsbi train'", Required = true };
        var observation = new Option<string>("--observation") { Description = "The observation x_o: one row of .csv (with a header), .csv.gz or .npy", Required = true };
        var count = new Option<int>("--n") { Description = "Number of samples", DefaultValueFactory = _ => 10_000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the draws", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "Output file of samples: .csv, .csv.gz or .npy", Required = true };
        var plot = new Option<string?>("--plot") { Description = "Also write a pair plot of the samples to this PNG" };
        var overwrite = OutputClaim.OverwriteOption();
        var command = new Command("sample", "Draw posterior samples for an observation from a saved model.")
        {
            model, observation, count, seed, output, plot, overwrite,
        };
        command.SetBody((parse, _) =>
        {
            var loaded = PosteriorFile.Load(parse.GetValue(model)!);
            using var posterior = loaded.Posterior;
            string observationPath = parse.GetValue(observation)!;
            var table = MatrixFile.Read(observationPath, "data");
            if (table.Rows != 1)
                throw new ArgumentException($"{observationPath}: expected exactly one observation row; found {table.Rows}.");
            var xo = table.Values.Row(0).ToArray();
            if (loaded.Info.Training.GetValueOrDefault("observation_layout") == FoldedSpectrumSimulator.LayoutName && xo.Length == 2 * ShallowWaterSimulator.ChannelSize)
            {
                xo = FoldedSpectrumSimulator.Folded(xo);
                Console.WriteLine("Folded the 2×100×100 shallow water spectrum into the model's 2×50×100 layout.");
            }
            if (xo.Length != posterior.DataDimension)
                throw new ArgumentException($"{observationPath}: the observation has {xo.Length} values; the model was trained on data of dimension {posterior.DataDimension} ({Names(loaded.Info.DataNames)}).");
            int n = parse.GetValue(count);
            Presets.RequireAtLeast(1, n, "--n");
            MachineLimits.Current.RequireSamples("--n", n, posterior.ParameterDimension);
            string outPath = parse.GetValue(output)!;
            using var claim = OutputClaim.ForFiles([("--out", outPath), ("--plot", parse.GetValue(plot))], parse.GetValue(overwrite));

            var samples = Steps.Sample(posterior, xo, n, parse.GetValue(seed), $"the observation in {observationPath}");
            MatrixFile.Write(outPath, new NamedMatrix(loaded.Info.ParameterNames, samples.Samples));
            Console.WriteLine($"Wrote {samples.Count} samples to {outPath}");
            if (parse.GetValue(plot) is { } png)
                Steps.WritePairPlot(png, loaded.Info.ParameterNames, samples.Samples, null, posterior.Support, null, "GATSBI posterior samples");
            // Fewer samples than asked is a failed run, not a quiet success: the ones drawn are kept, as every failed run keeps its finished outputs.
            if (Steps.Shortfall(samples) is { } shortfall)
            {
                Console.Error.WriteLine($"error: {shortfall}; those {samples.Count:N0} are written to {outPath}.");
                return CommandRunner.RunFailed;
            }
            return 0;
        });
        return command;
    }

    /// <summary>The column names, shortened for long observations such as spectra or images.</summary>
    private static string Names(string[] names) =>
        names.Length <= 8 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(3))}, …, {names[^1]}";
}
