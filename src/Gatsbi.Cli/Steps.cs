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

    public static PosteriorSamples Sample(IPosterior posterior, float[] observation, int count, ulong seed)
    {
        var samples = posterior.Sample(observation, count, seed);
        if (samples.Rejected > 0)
            Console.WriteLine($"Rejected {samples.Rejected} of {samples.Drawn} generator samples outside the prior support ({samples.AcceptanceRate:P1} accepted).");
        if (!samples.Complete)
            Console.Error.WriteLine($"warning: only {samples.Count} of {samples.Requested} samples fell inside the prior support within {samples.Drawn} draws.");
        return samples;
    }

    public static C2stResult C2st(float[,] reference, float[,] samples, C2stOptions options, CancellationToken cancellation)
    {
        using var bar = new ProgressBar("C2ST", options.Folds);
        var result = Metrics.C2st.Compute(reference, samples, options, bar.AsProgress(), cancellation);
        bar.Complete();
        return result;
    }

    /// <summary>The model file, and the hold-out log as training_log.csv and training.png (titled <paramref name="title"/>).</summary>
    public static void WriteTrainingOutputs(string directory, IReadOnlyList<TrainingRecord> log, GatsbiPosterior posterior, ModelInfo info,
        string title = "GATSBI training (hold-out set)")
    {
        Directory.CreateDirectory(directory);
        string model = Path.Combine(directory, "posterior.gatsbi");
        PosteriorFile.Save(model, posterior, info);
        Console.WriteLine($"Model: {model}");
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
        string csv = Path.Combine(directory, "training_log.csv");
        CsvMatrix.Write(csv, new NamedMatrix(columns, rows));
        string png = Path.Combine(directory, "training.png");
        WriteTrainingCurves(png, TrainingCurves.Of(log)!, title);
        Console.WriteLine($"Training log: {csv}, {png}");
    }

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

    public static void WriteNpeOutputs(string directory, NpeResult result, ModelInfo info)
    {
        Directory.CreateDirectory(directory);
        string model = Path.Combine(directory, "posterior.gatsbi");
        PosteriorFile.Save(model, result.Posterior, info);
        Console.WriteLine($"Model: {model}");
        string[] columns = ["epoch", "training_loss", "validation_log_prob", "seconds"];
        var rows = new float[result.Log.Count, columns.Length];
        for (int i = 0; i < result.Log.Count; i++)
        {
            var r = result.Log[i];
            double[] values = [r.Epoch, r.TrainingLoss, r.ValidationLogProb, r.Elapsed.TotalSeconds];
            for (int j = 0; j < values.Length; j++) rows[i, j] = (float)values[j];
        }
        string csv = Path.Combine(directory, "training_log.csv");
        CsvMatrix.Write(csv, new NamedMatrix(columns, rows));
        string png = Path.Combine(directory, "training.png");
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

    public static string Format(double value) => value.ToString("F3", CultureInfo.InvariantCulture);
}
