using System.Diagnostics;
using Gatsbi.Benchmarks;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Metrics;
using Gatsbi.Simulation;

namespace Gatsbi.Bench;

/// <summary>
/// Trains amortised GATSBI once on a task and reports C2ST against the reference posterior for each
/// requested observation, with the mean. Example:
/// gatsbi-c2st task=two_moons simulations=10000 preset=fast observations=1,2,3,4,5,6,7,8,9,10 seed=1
/// Tasks without bundled references (sir, lotka_volterra) take references=DIR, a folder with sbibm's layout.
/// </summary>
internal static class GatsbiAccuracy
{
    public static int Run(Settings s)
    {
        var references = s.Get("references", "");
        var task = TaskRegistry.Get(s.Get("task", "two_moons"), references.Length == 0 ? null : references);
        int simulations = s.Int("simulations", 10_000);
        ulong seed = (ulong)s.Int("seed", 1);
        int[] observations = s.Ints("observations", "1");
        var options = s.Options();
        s.EnsureAllUsed();
        // Fail before training, not after, when a reference is missing.
        foreach (int k in observations)
            if (!task.HasReferencePosterior(k)) throw new MissingReferenceException(task, k);

        Console.WriteLine($"task={task.Name} simulations={simulations} seed={seed} options: epochs={options.MaxEpochs} dsteps={options.DiscriminatorSteps} gsteps={options.GeneratorSteps} " +
                          $"glr={options.GeneratorLearningRate} dlr={options.DiscriminatorLearningRate} batch={options.BatchSize(simulations)} loss={options.Loss} " +
                          $"G=[{string.Join(',', options.Generator.HiddenUnits)}] noise@{options.Generator.NoiseAfterLayer} latent={options.Generator.LatentDimension?.ToString() ?? "dθ"} " +
                          $"D=[{string.Join(',', options.Discriminator.HiddenUnits)}] sn={options.Discriminator.SpectralNorm} schedule={options.Schedule} standardize={options.StandardizeInputs}");
        var data = new SimulationRunner().Run(task.Prior, task.Simulator, simulations, seed);
        var result = new GatsbiTrainer(options).Train(data, task.Prior.Support, seed);
        Console.WriteLine($"trained {result.Epochs} epochs in {result.Elapsed.TotalSeconds:F1} s ({result.EpochsPerSecond:F1} epochs/s, {result.Threads} threads), stop: {result.StopReason}");

        var scores = new List<double>();
        foreach (int k in observations)
        {
            var reference = task.ReferencePosterior(k);
            var samples = result.Posterior.Sample(task.Observation(k), reference.GetLength(0), seed);
            var clock = Stopwatch.StartNew();
            var c2st = C2st.Compute(reference, samples.Samples);
            scores.Add(c2st.Accuracy);
            Console.WriteLine($"observation {k,2}: C2ST {c2st.Accuracy:F3}  (accepted {samples.AcceptanceRate:P1}, C2ST {clock.Elapsed.TotalSeconds:F1} s)");
        }
        double mean = scores.Average();
        double se = scores.Count > 1 ? Math.Sqrt(scores.Sum(v => (v - mean) * (v - mean)) / (scores.Count - 1) / scores.Count) : double.NaN;
        Console.WriteLine($"mean C2ST over {scores.Count} observation(s): {mean:F3} ± {se:F3} (standard error)");
        result.Posterior.Dispose();
        return 0;
    }
}
