using System.Diagnostics;
using Gatsbi.Metrics;
using Gatsbi.Randomness;

namespace Gatsbi.Bench;

/// <summary>
/// Seconds for one sbibm MMD (median-heuristic bandwidth) of two Gaussian sample sets, median of several runs.
/// Example: mmd-speed samples=10000 dims=2,10 repeats=3 threads=2
/// </summary>
internal static class MmdSpeed
{
    public static int Run(Settings s)
    {
        int n = s.Int("samples", 10_000);
        int[] dims = s.Ints("dims", "2,10");
        int repeats = s.Int("repeats", 3);
        int threads = s.Int("threads", Environment.ProcessorCount);
        s.EnsureAllUsed();
        foreach (int d in dims)
        {
            var rng = new Rng(1);
            var x = new float[n, d];
            var y = new float[n, d];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < d; j++) (x[i, j], y[i, j]) = ((float)rng.Normal(), (float)rng.Normal(0.1, 1));
            var options = new MmdOptions { Threads = threads };
            Mmd.Compute(x, y, options); // warm-up
            var seconds = Enumerable.Range(0, repeats).Select(_ =>
            {
                var clock = Stopwatch.StartNew();
                Mmd.Compute(x, y, options);
                return clock.Elapsed.TotalSeconds;
            }).Order().ToArray();
            Console.WriteLine($"d={d}, {n:N0} × {n:N0}, {threads} thread(s): median {seconds[seconds.Length / 2]:F2} s (runs: {string.Join(", ", seconds.Select(v => v.ToString("F2")))})");
        }
        return 0;
    }
}
