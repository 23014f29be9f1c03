using System.Globalization;
using Gatsbi.Distributions;
using Gatsbi.Inference;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Inference.Npe;
using Gatsbi.Metrics;
using Gatsbi.Plotting;
using Gatsbi.Posteriors;
using Gatsbi.Simulation;
using Gatsbi.Storage;

namespace Gatsbi.Cli;

/// <summary>
/// The steps the commands are made of, each wrapped with its progress bar and console report.
/// The computations themselves live in the libraries.
/// </summary>
internal static class Steps
{
    public static SimulationSet Simulate(IPrior prior, ISimulator simulator, int count, ulong seed)
    {
        using var bar = new ProgressBar("simulate", count);
        var set = new SimulationRunner().Run(prior, simulator, count, seed, bar.AsProgress());
        bar.Complete();
        return set;
    }

    public static GatsbiResult Train(SimulationSet simulations, Support? support, GatsbiOptions options, ulong seed, CancellationToken cancellation)
    {
        using var bar = new ProgressBar("train", options.Epochs(simulations.Count) * options.EnsembleSize);
        var progress = bar.AsTrainingProgress();
        var result = new GatsbiTrainer(options).Train(simulations, support, seed, progress, cancellation);
        bar.Complete($"stopped: {result.StopReason}");
        if (result.DroppedSimulations > 0)
            Console.WriteLine($"Dropped {result.DroppedSimulations} simulations with NaN or infinite values before training.");
        string rate = result.EpochsPerSecond >= 1 ? $"{result.EpochsPerSecond:F1} epochs/s" : $"{1 / result.EpochsPerSecond:F1} s/epoch";
        int members = result.MemberLogs.Count;
        string what = members == 1 ? $"{result.Epochs} epochs" : $"{members} generators × {result.Epochs / members} epochs";
        Console.WriteLine($"Trained {what} in {result.Elapsed.TotalSeconds:F1} s ({rate}, {result.Threads} thread(s)); stop reason: {result.StopReason}.");
        return result;
    }

    /// <summary>
    /// Draws <paramref name="count"/> samples for <paramref name="observation"/> (described by <paramref name="observationName"/>).
    /// Samples outside the prior support are rejected and redrawn up to the posterior's cap on draws, so fewer can
    /// come back (<see cref="Shortfall"/>); none at all fails the run, since there is nothing to write.
    /// </summary>
    /// <exception cref="RunFailedException">No sample fell inside the prior support.</exception>
    public static PosteriorSamples Sample(IPosterior posterior, float[] observation, int count, ulong seed, string observationName)
    {
        var samples = posterior.Sample(observation, count, seed);
        if (samples.Rejected > 0)
            Console.WriteLine($"Rejected {samples.Rejected} of {samples.Drawn} generator samples outside the prior support ({samples.AcceptanceRate:P1} accepted).");
        if (samples.Count == 0)
            throw new RunFailedException($"none of the {samples.Drawn:N0} samples drawn for {observationName} fell inside the prior support, so there are no samples to write. " +
                                         "The posterior puts its mass outside the prior there: check that the observation is like the data the model was trained on.");
        return samples;
    }

    /// <summary>"only 31 of 1,000 samples fell inside the prior support …" when <paramref name="samples"/> came back short; null when complete.</summary>
    public static string? Shortfall(PosteriorSamples samples) => samples.Complete ? null
        : $"only {samples.Count:N0} of {samples.Requested:N0} samples fell inside the prior support within {samples.Drawn:N0} draws ({samples.AcceptanceRate:P1} accepted)";

    /// <summary>
    /// C2ST of <paramref name="samples"/> against <paramref name="reference"/>, each named for the warning given
    /// when their sizes differ and the larger set is subsampled to the smaller (<see cref="Metrics.C2st.Compute"/>).
    /// </summary>
    public static C2stResult C2st(float[,] reference, float[,] samples, C2stOptions options, CancellationToken cancellation,
        string referenceName = "the reference", string samplesName = "the samples")
    {
        C2stResult result;
        using (var bar = new ProgressBar("C2ST", options.Folds))
        {
            result = Metrics.C2st.Compute(reference, samples, options, bar.AsProgress(), cancellation);
            bar.Complete();
        }
        if (result.Subsampled)
        {
            var (larger, smaller) = result.FirstRows > result.SecondRows
                ? ((Name: referenceName, Rows: result.FirstRows), (Name: samplesName, Rows: result.SecondRows))
                : ((Name: samplesName, Rows: result.SecondRows), (Name: referenceName, Rows: result.FirstRows));
            Console.Error.WriteLine($"warning: {larger.Name} has {larger.Rows:N0} samples and {smaller.Name} {smaller.Rows:N0}; C2ST compares equal numbers, as sbibm does, " +
                                    $"so it used {result.ComparedRows:N0} of the {larger.Rows:N0}, drawn at random with seed {options.Seed}.");
        }
        return result;
    }

    /// <summary>The model file every training command writes.</summary>
    public const string ModelFile = "posterior.gatsbi";

    /// <summary>
    /// The model, its training log and plot, under their finished names and under the names a training stopped by
    /// Ctrl+C saves them as (<see cref="PartialName"/>): a command that trains claims both.
    /// </summary>
    public static readonly string[] TrainingFiles = [.. FinishedTrainingFiles(), .. FinishedTrainingFiles().Select(PartialName)];

    private static string[] FinishedTrainingFiles() => [ModelFile, "training_log.csv", "training.png"];

    /// <summary>"posterior.partial.gatsbi" for "posterior.gatsbi": the name says the training did not finish, and never replaces a finished model.</summary>
    public static string PartialName(string name) => Path.ChangeExtension(name, ".partial" + Path.GetExtension(name));

    /// <summary>
    /// The model file, and the hold-out log as training_log.csv and training.png (titled <paramref name="title"/>);
    /// under their partial names when <paramref name="partial"/> (training stopped by Ctrl+C).
    /// </summary>
    public static void WriteTrainingOutputs(OutputClaim outputs, IReadOnlyList<TrainingRecord> log, GatsbiPosterior posterior, ModelInfo info,
        bool partial, string title = "GATSBI training (hold-out set)")
    {
        string model = outputs.File(Named(ModelFile, partial));
        PosteriorFile.Save(model, posterior, info);
        Console.WriteLine($"{(partial ? "Partly trained model" : "Model")}: {model}");
        if (log.Count == 0) return;

        string[] columns = ["epoch", "dis_loss", "gen_loss", "dis_grad", "gen_grad", "dreal_mean", "dreal_std", "dfake_mean", "dfake_std", "gen_lr", "seconds", "holdout_energy_score"];
        var rows = new float[log.Count, columns.Length];
        for (int i = 0; i < log.Count; i++)
        {
            var r = log[i];
            double[] values = [r.Epoch, r.DiscriminatorLoss, r.GeneratorLoss, r.DiscriminatorGradNorm, r.GeneratorGradNorm,
                r.DRealMean, r.DRealStd, r.DFakeMean, r.DFakeStd, r.GeneratorLearningRate, r.Elapsed.TotalSeconds, r.HoldOutEnergyScore];
            for (int j = 0; j < values.Length; j++) rows[i, j] = (float)values[j];
        }
        string csv = outputs.File(Named("training_log.csv", partial));
        CsvMatrix.Write(csv, new NamedMatrix(columns, rows));
        string png = outputs.File(Named("training.png", partial));
        WriteTrainingCurves(png, TrainingCurves.Of(log)!, title);
        Console.WriteLine($"Training log: {csv}, {png}");
    }

    /// <summary>
    /// Ends a command whose training Ctrl+C stopped, after its outputs were written under their partial names:
    /// says where the partial model is and returns <see cref="CommandRunner.Interrupted"/>.
    /// </summary>
    public static int StoppedTraining(OutputClaim outputs)
    {
        Console.Error.WriteLine($"Stopped by Ctrl+C: the partly trained model is saved as {outputs.File(PartialName(ModelFile))}; " +
                                $"a finished {ModelFile} is never replaced by a partial one.");
        return CommandRunner.Interrupted;
    }

    private static string Named(string name, bool partial) => partial ? PartialName(name) : name;

    public static NpeResult TrainNpe(SimulationSet simulations, Support? support, NpeOptions options, ulong seed, CancellationToken cancellation)
    {
        using var bar = new ProgressBar("train NPE", options.Patience);
        var result = new NpeTrainer(options).Train(simulations, support, seed, bar.AsTrainingProgress(), cancellation);
        bar.Complete($"stopped: {result.StopReason}");
        if (result.DroppedSimulations > 0)
            Console.WriteLine($"Dropped {result.DroppedSimulations} simulations with NaN or infinite values before training.");
        Console.WriteLine($"Trained {result.Epochs} epochs in {result.Elapsed.TotalSeconds:F1} s ({result.Threads} thread(s)); " +
                          $"best validation log q(θ | x) {result.Log[result.BestEpoch - 1].ValidationLogProb:F3} at epoch {result.BestEpoch}; stop reason: {result.StopReason}.");
        return result;
    }

    /// <summary>As <see cref="WriteTrainingOutputs"/>, for NPE's model and log.</summary>
    public static void WriteNpeOutputs(OutputClaim outputs, NpeResult result, ModelInfo info, bool partial)
    {
        string model = outputs.File(Named(ModelFile, partial));
        PosteriorFile.Save(model, result.Posterior, info);
        Console.WriteLine($"{(partial ? "Partly trained model" : "Model")}: {model}");
        string[] columns = ["epoch", "training_loss", "validation_log_prob", "seconds"];
        var rows = new float[result.Log.Count, columns.Length];
        for (int i = 0; i < result.Log.Count; i++)
        {
            var r = result.Log[i];
            double[] values = [r.Epoch, r.TrainingLoss, r.ValidationLogProb, r.Elapsed.TotalSeconds];
            for (int j = 0; j < values.Length; j++) rows[i, j] = (float)values[j];
        }
        string csv = outputs.File(Named("training_log.csv", partial));
        CsvMatrix.Write(csv, new NamedMatrix(columns, rows));
        string png = outputs.File(Named("training.png", partial));
        WriteTrainingCurves(png, TrainingCurves.Of(result.Log)!, "NPE training");
        Console.WriteLine($"Training log: {csv}, {png}");
    }

    /// <summary>A method's own progress curves (losses against epochs, ε against populations).</summary>
    public static void WriteTrainingCurves(string path, TrainingCurves curves, string title)
    {
        var plot = new LinePlot { Title = title, XLabel = curves.XLabel, YLabel = curves.YLabel };
        foreach (var series in curves.Series) plot.Add(series.Name, series.X, series.Y);
        plot.SavePng(path);
    }

    public static void WritePairPlot(string path, string[] names, float[,] samples, float[,]? reference, Support? support, float[]? truth, string title,
        bool quiet = false, string label = "GATSBI")
    {
        var plot = new PairPlot(names) { Title = title };
        if (support is not null && support.Low.All(float.IsFinite) && support.High.All(float.IsFinite))
            plot.Limits = support.Low.Select((low, j) => new AxisRange(low, support.High[j])).ToArray();
        if (reference is not null) plot.Add("reference", reference, PlotColors.Reference);
        plot.Add(label, samples, PlotColors.Gatsbi);
        if (truth is not null) plot.MarkPoint("true θ", truth.Select(v => (double)v).ToArray());
        plot.SavePng(path);
        if (!quiet) Console.WriteLine($"Pair plot: {path}");
    }

    /// <summary>A text output, written whole or not at all like every other (a full disk leaves any earlier version intact).</summary>
    public static void WriteText(string path, string text) => AtomicFile.Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, leaveOpen: true);
        writer.Write(text);
    });

    public static string Format(double value) => value.ToString("F3", CultureInfo.InvariantCulture);
}
