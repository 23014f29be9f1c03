using Gatsbi.Benchmarks.Tasks;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Simulation;

namespace Gatsbi.Bench;

/// <summary>
/// Epochs per second of a preset at each thread count, median of several runs (two_moons, 10,000
/// simulations). Example: epoch-speed preset=fast epochs=300 repeats=5 threads-list=1,2
/// </summary>
internal static class EpochSpeed
{
    public static int Run(Settings s)
    {
        int repeats = s.Int("repeats", 5);
        int[] threadCounts = s.Ints("threads-list", "1,2");
        int simulations = s.Int("simulations", 10_000);
        var options = s.Options() with { UseStoppingRules = false };
        s.EnsureAllUsed();
        var task = new TwoMoons();
        var data = new SimulationRunner().Run(task.Prior, task.Simulator, simulations, 1);
        // One untimed warm-up run so that library loading and first-call costs are not measured.
        new GatsbiTrainer(options with { MaxEpochs = 5, LogEvery = 5 }).Train(data, support: null, seed: 1).Posterior.Dispose();
        foreach (int threads in threadCounts)
        {
            var rates = new List<double>();
            for (int r = 0; r < repeats; r++)
            {
                var result = new GatsbiTrainer(options with { Threads = threads }).Train(data, support: null, seed: (ulong)r + 1);
                rates.Add(result.EpochsPerSecond);
                result.Posterior.Dispose();
            }
            rates.Sort();
            Console.WriteLine($"threads={threads}: median {rates[rates.Count / 2]:F2} epochs/s = {1 / rates[rates.Count / 2]:F4} s/epoch (runs: {string.Join(", ", rates.Select(v => v.ToString("F2")))})");
        }
        return 0;
    }
}
