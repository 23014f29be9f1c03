using System.Diagnostics;
using Gatsbi.Benchmarks.Applications;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Simulation;

namespace Gatsbi.Bench;

/// <summary>
/// The trials behind the applications' fast presets: short runs of named variants of <c>Fast()</c>, each scored on
/// held-out test cases (hold-out energy score at the last epoch, MSE of the posterior mean, mean posterior std,
/// and for shallow water the share of true values within mean ± 1.645 std). Fixed seeds; one run per variant.
/// Example: application-trials task=shallow_water simulations=5000 epochs=800 variants=published-optimiser,fast
/// </summary>
internal static class ApplicationTrials
{
    private static readonly Dictionary<string, Func<GatsbiOptions, GatsbiOptions>> Variants = new()
    {
        ["published-optimiser"] = o => o with
        {
            Loss = GatsbiLossKind.CrossEntropy, EnergyScoreWeight = 0, Schedule = LearningRateSchedule.Constant,
            GeneratorLearningRate = PublishedRate(o), DiscriminatorLearningRate = PublishedRate(o),
            GeneratorBetas = PublishedBetas(o), DiscriminatorBetas = PublishedBetas(o),
        },
        ["ns-5e-4"] = o => o with { EnergyScoreWeight = 0, GeneratorLearningRate = 5e-4, DiscriminatorLearningRate = 5e-4 },
        ["ns-1e-3"] = o => o with { EnergyScoreWeight = 0 },
        ["ns-5e-4-es"] = o => o with { GeneratorLearningRate = 5e-4, DiscriminatorLearningRate = 5e-4 },
        ["fast"] = o => o,
    };

    // The applications' published optimisers: shallow water 1e-4 with betas (0.9, 0.99), camera 2e-4 with (0.5, 0.99).
    private static double PublishedRate(GatsbiOptions fast) => fast.Convolutional is Nn.Convolutional.UNetNetworks ? 2e-4 : 1e-4;
    private static (double, double) PublishedBetas(GatsbiOptions fast) => fast.Convolutional is Nn.Convolutional.UNetNetworks ? (0.5, 0.99) : (0.9, 0.99);

    public static int Run(Settings s)
    {
        string task = s.Get("task", ShallowWaterModel.TaskName);
        int simulations = s.Int("simulations", 5_000);
        int epochs = s.Int("epochs", 800);
        int threads = s.Int("threads", 2);
        int testCases = s.Int("test-cases", 30);
        int testSamples = s.Int("test-samples", task == CameraModel.TaskName ? 100 : 200);
        var names = s.Get("variants", string.Join(",", Variants.Keys)).Split(',', StringSplitOptions.RemoveEmptyEntries);
        s.EnsureAllUsed();
        foreach (var name in names)
            if (!Variants.ContainsKey(name)) throw new ArgumentException($"Unknown variant '{name}'; known: {string.Join(", ", Variants.Keys)}.");
        var model = ApplicationRegistry.Create(task, "fast");
        var data = new SimulationRunner().Run(model.Prior, model.Simulator, simulations, 1);
        Console.WriteLine($"{task}: {simulations:N0} simulations, {epochs} epochs, {threads} threads, {testCases} test cases × {testSamples} samples (release build).");
        Console.WriteLine("| variant | seconds | hold-out energy score | MSE of posterior mean | mean posterior std | within mean ± 1.645 std | MSE of the observation |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var name in names)
        {
            var options = Variants[name](model.Fast()) with { MaxEpochs = epochs, LogEvery = Math.Max(1, epochs / 4), Threads = threads };
            var clock = Stopwatch.StartNew();
            var result = new GatsbiTrainer(options).Train(data, model.PosteriorSupport, 1);
            using var posterior = result.Posterior;
            var cases = TestCases.Draw(model, posterior, testCases, testSamples, 5);
            double within = cases.Average(c => Enumerable.Range(0, c.Theta.Length).Count(j => Math.Abs(c.Theta[j] - c.Mean[j]) < 1.645 * c.Std[j]) / (double)c.Theta.Length);
            string observation = model is CameraModel ? cases.Average(c => TestCase.MeanSquaredDifference(c.X.Select(v => (double)v).ToArray(), c.Theta)).ToString("F4") : "–";
            Console.WriteLine($"| {name} | {clock.Elapsed.TotalSeconds:F0} | {result.Log[^1].HoldOutEnergyScore:F2} | {cases.Average(c => c.MeanSquaredError):F4} | {cases.Average(c => c.Std.Average()):F3} | {within:P0} | {observation} |");
        }
        return 0;
    }
}
