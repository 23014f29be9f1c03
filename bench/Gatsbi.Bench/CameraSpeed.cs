using System.Diagnostics;
using Gatsbi.Benchmarks.Camera;
using Gatsbi.Distributions;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Bench;

/// <summary>
/// The camera simulator's speed (images per second, prior draws excluded, median of several runs, at each
/// thread count) and the distribution of its photon-count scale V over the prior images, which the paper
/// never reported for EMNIST. Example: camera-speed images=/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz count=20000 repeats=5 threads-list=1,2
/// </summary>
internal static class CameraSpeed
{
    public static int Run(Settings s)
    {
        string path = s.Get("images", FashionMnist.TrainImages);
        int count = s.Int("count", 20_000);
        int repeats = s.Int("repeats", 5);
        int[] threadCounts = s.Ints("threads-list", "1,2");
        s.EnsureAllUsed();

        var prior = FashionMnist.Prior(path);
        Console.WriteLine($"{prior.Images.Source}: {prior.Count:N0} images of {prior.Height}×{prior.Width}.");
        var scales = new SortedDictionary<int, int>();
        for (int i = 0; i < prior.Count; i++)
        {
            int v = PoissonImageNoise.PhotonScale(prior.Images.Pixels.Row(i));
            scales[v] = scales.GetValueOrDefault(v) + 1;
        }
        Console.WriteLine("| V (photon-count scale) | images | fraction |");
        Console.WriteLine("|---:|---:|---:|");
        foreach (var (v, n) in scales.Reverse()) Console.WriteLine($"| {v} | {n:N0} | {n / (double)prior.Count:P2} |");

        var theta = prior.Sample(Math.Min(count, prior.Count), new Rng(1));
        var simulator = new CameraSimulator(prior.Height, prior.Width);
        new SimulationRunner().Simulate(simulator, theta.SliceRows(0, Math.Min(500, theta.GetLength(0))), 99); // warm-up
        Console.WriteLine($"Release build, {Environment.ProcessorCount} cores, {theta.GetLength(0):N0} images per run, {repeats} runs, median.");
        Console.WriteLine("| threads | images/s | µs per image |");
        Console.WriteLine("|---:|---:|---:|");
        foreach (int threads in threadCounts)
        {
            var rates = new List<double>();
            for (int r = 0; r < repeats; r++)
            {
                var watch = Stopwatch.StartNew();
                new SimulationRunner { MaxThreads = threads }.Simulate(simulator, theta, (ulong)r + 1);
                rates.Add(theta.GetLength(0) / watch.Elapsed.TotalSeconds);
            }
            rates.Sort();
            double median = rates[rates.Count / 2];
            Console.WriteLine($"| {threads} | {median:N0} | {1e6 / median:F1} |");
        }
        return 0;
    }
}
