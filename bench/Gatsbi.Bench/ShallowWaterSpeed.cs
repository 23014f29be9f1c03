using System.Diagnostics;
using Gatsbi.Benchmarks.ShallowWater;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Bench;

/// <summary>
/// Shallow-water simulations per second through <see cref="SimulationRunner"/> (prior draws plus simulator) at
/// each thread count, median of several runs, and on one thread the time per simulation split into solver and
/// spectrum. Example: shallow-water-speed repeats=3 count=200 threads-list=1,2
/// </summary>
internal static class ShallowWaterSpeed
{
    public static int Run(Settings s)
    {
        int repeats = s.Int("repeats", 3);
        int count = s.Int("count", 200);
        int[] threadCounts = s.Ints("threads-list", "1,2");
        var solve = Enum.Parse<ElevationSolve>(s.Get("solve", nameof(ElevationSolve.Jacobi)), ignoreCase: true);
        s.EnsureAllUsed();

        var prior = DepthPrior.Create();
        var simulator = new ShallowWaterSimulator(elevationSolve: solve);
        // Untimed warm-up: JIT and thread start.
        new SimulationRunner { ChunkSize = 8 }.Run(prior, simulator, 16, 99);

        Console.WriteLine($"Release build, {Environment.ProcessorCount} cores, {solve} elevation solve, {count} simulations per run, {repeats} runs per cell, median.");
        Console.WriteLine($"| {string.Join(" | ", threadCounts.Select(t => $"{t} thread{(t == 1 ? "" : "s")} (sim/s)"))} | speed-up {threadCounts[^1]} vs {threadCounts[0]} |");
        Console.WriteLine($"|{string.Join("", threadCounts.Select(_ => "---:|"))}---:|");
        var medians = threadCounts.Select(threads =>
        {
            var rates = new List<double>();
            for (int r = 0; r < repeats; r++)
            {
                var watch = Stopwatch.StartNew();
                // Chunks of 8 so that 2 threads have work to share even for small counts.
                new SimulationRunner { MaxThreads = threads, ChunkSize = 8 }.Run(prior, simulator, count, (ulong)r + 1);
                rates.Add(count / watch.Elapsed.TotalSeconds);
            }
            return Median(rates);
        }).ToArray();
        Console.WriteLine($"| {string.Join(" | ", medians.Select(m => $"{m:F1}"))} | {medians[^1] / medians[0]:F2}× |");

        // Single-thread split: the solver (ζ snapshots) and the 2-D spectrum, each timed over the same draws.
        var theta = prior.Sample(count, new Rng(7));
        var solver = new ShallowWaterSolver(solve);
        var spectrum = new Spectrum2D(ShallowWaterSolver.Snapshots, ShallowWaterSolver.Cells);
        var depth = new float[ShallowWaterSolver.Cells];
        var zeta = new float[ShallowWaterSolver.Snapshots * ShallowWaterSolver.Cells];
        var zetaDouble = new double[zeta.Length];
        var re = new double[zeta.Length];
        var im = new double[zeta.Length];
        var solverTimes = new List<double>();
        var spectrumTimes = new List<double>();
        long sweeps = 0;
        for (int r = 0; r < repeats; r++)
        {
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < count; i++)
            {
                var row = theta.Row(i);
                for (int j = 0; j < depth.Length; j++) depth[j] = row[j] + 10f;
                solver.Solve(depth, zeta);
                sweeps += solver.LastSweeps;
            }
            solverTimes.Add(watch.Elapsed.TotalMilliseconds / count);
            for (int j = 0; j < zeta.Length; j++) zetaDouble[j] = ShallowWaterSolver.RoundedToDouble(zeta[j]);
            watch.Restart();
            for (int i = 0; i < count; i++) spectrum.Forward(zetaDouble, re, im);
            spectrumTimes.Add(watch.Elapsed.TotalMilliseconds / count);
        }
        double solverMs = Median(solverTimes), spectrumMs = Median(spectrumTimes);
        Console.WriteLine();
        Console.WriteLine("| single thread, per simulation | ms | share |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine($"| solver (1200 steps) | {solverMs:F3} | {solverMs / (solverMs + spectrumMs):P0} |");
        Console.WriteLine($"| 2-D spectrum (101×100, float64) | {spectrumMs:F3} | {spectrumMs / (solverMs + spectrumMs):P0} |");
        Console.WriteLine($"Mean Jacobi sweeps per step: {sweeps / (double)(repeats * count * ShallowWaterSolver.Steps):F2}");
        return 0;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
