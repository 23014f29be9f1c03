using System.Diagnostics;
using System.Globalization;
using Gatsbi.Benchmarks;
using Gatsbi.Benchmarks.Running;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Metrics;
using Gatsbi.Simulation;

namespace Gatsbi.Bench;

/// <summary>
/// Trains amortised GATSBI once on a task and reports C2ST against the reference posterior for each
/// requested observation, with the mean. Example:
/// gatsbi-c2st task=two_moons simulations=10000 preset=fast observations=1,2,3,4,5,6,7,8,9,10 seed=1
/// Tasks without bundled references (sir, lotka_volterra) take references=DIR, a folder with sbibm's layout.
/// For studies: label=NAME out=FILE.csv appends one row per observation (and skips a label already in the
/// file, so an interrupted study resumes); samples=N scores N posterior samples against the first N
/// reference samples; c2st-threads=T bounds the classifier's threads.
/// </summary>
internal static class GatsbiAccuracy
{
    private const string Header = "label,task,num_simulations,seed,ensemble,num_observation,c2st,training_seconds,epochs,holdout_energy_score";

    public static int Run(Settings s)
    {
        var references = s.Get("references", "");
        var task = TaskRegistry.Get(s.Get("task", "two_moons"), references.Length == 0 ? null : references);
        int simulations = s.Int("simulations", 10_000);
        ulong seed = (ulong)s.Int("seed", 1);
        int[] observations = s.Ints("observations", "1");
        int samplesWanted = s.Int("samples", 0);
        string label = s.Get("label", "");
        string output = s.Get("out", "");
        var c2stOptions = new C2stOptions { Threads = s.Int("c2st-threads", Environment.ProcessorCount) };
        var options = s.Options();
        s.EnsureAllUsed();
        if (output.Length > 0 && label.Length == 0) throw new ArgumentException("out= needs label= to name the variant.");
        if (output.Length > 0 && AlreadyMeasured(output, label, task.Name, simulations, seed, observations))
        {
            Console.WriteLine($"{label} ({task.Name}, {simulations} simulations, seed {seed}) is already in {output}; skipped.");
            return 0;
        }
        // Fail before training, not after, when a reference is missing.
        foreach (int k in observations)
            if (!task.HasReferencePosterior(k)) throw new MissingReferenceException(task, k);

        Console.WriteLine($"{label} task={task.Name} simulations={simulations} seed={seed} options: ensemble={options.EnsembleSize} epochs={options.MaxEpochs} dsteps={options.DiscriminatorSteps} gsteps={options.GeneratorSteps} " +
                          $"glr={options.GeneratorLearningRate} dlr={options.DiscriminatorLearningRate} batch={options.BatchSize(simulations)} loss={options.Loss} " +
                          $"G=[{string.Join(',', options.Generator.HiddenUnits)}] noise@{options.Generator.NoiseAfterLayer} latent={options.Generator.LatentDimension?.ToString() ?? "dθ"} " +
                          $"D=[{string.Join(',', options.Discriminator.HiddenUnits)}] sn={options.Discriminator.SpectralNorm} schedule={options.Schedule} standardize={options.StandardizeInputs} " +
                          $"ema={options.GeneratorAverageDecay} es={options.EnergyScoreWeight} best={options.KeepBestCheckpoint}");
        var data = new SimulationRunner().Run(task.Prior, task.Simulator, simulations, seed);
        var result = new GatsbiTrainer(options).Train(data, task.Prior.Support, seed);
        double holdOutScore = result.MemberLogs.Average(log => log[^1].HoldOutEnergyScore);
        Console.WriteLine($"trained {result.Epochs} epochs in {result.Elapsed.TotalSeconds:F1} s ({result.EpochsPerSecond:F1} epochs/s, {result.Threads} threads), stop: {result.StopReason}, hold-out energy score {holdOutScore:F4}");

        var scores = new List<double>();
        foreach (int k in observations)
        {
            var reference = task.ReferencePosterior(k);
            int n = samplesWanted > 0 ? Math.Min(samplesWanted, reference.GetLength(0)) : reference.GetLength(0);
            if (n < reference.GetLength(0)) reference = reference.SliceRows(0, n);
            var samples = result.Posterior.Sample(task.Observation(k), n, seed).Samples;
            var clock = Stopwatch.StartNew();
            var c2st = C2st.Compute(reference, samples, c2stOptions);
            scores.Add(c2st.Accuracy);
            Console.WriteLine($"observation {k,2}: C2ST {c2st.Accuracy:F3}  (C2ST {clock.Elapsed.TotalSeconds:F1} s)");
            if (output.Length > 0)
                Append(output, string.Join(',', label, task.Name, simulations, seed, options.EnsembleSize, k, F(c2st.Accuracy), F(result.Elapsed.TotalSeconds),
                    result.Epochs / options.EnsembleSize, F(holdOutScore)));
        }
        var summary = CellSummary.Of(task.Name, "GATSBI", simulations, scores);
        Console.WriteLine($"mean C2ST over {summary.Count} observation(s): {summary.Mean:F3} ± {summary.StandardError:F3} (standard error)");
        result.Posterior.Dispose();
        return 0;
    }

    /// <summary>Whether every requested observation of this variant is in the file (a partial run is redone).</summary>
    private static bool AlreadyMeasured(string path, string label, string task, int simulations, ulong seed, int[] observations)
    {
        if (!File.Exists(path)) return false;
        string prefix = string.Join(',', label, task, simulations, seed) + ",";
        var done = File.ReadLines(path).Skip(1)
            .Where(line => line.StartsWith(prefix, StringComparison.Ordinal))
            .Select(line => int.Parse(line.Split(',')[5], CultureInfo.InvariantCulture))
            .ToHashSet();
        return observations.All(done.Contains);
    }

    private static void Append(string path, string line)
    {
        bool fresh = !File.Exists(path) || new FileInfo(path).Length == 0;
        using var writer = new StreamWriter(path, append: true);
        if (fresh) writer.WriteLine(Header);
        writer.WriteLine(line);
    }

    private static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
