using Gatsbi.Benchmarks.Applications;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Simulation;

namespace Gatsbi.Bench;

/// <summary>
/// Seconds per GATSBI epoch of the high-dimensional applications' presets at each thread count, median of
/// several runs. The training set is small (epoch cost does not depend on its size, only on the batch), and
/// the batch is the one the preset would use at its intended budget: 125 for the published shallow water
/// configuration (0.125 % of 100,000), 1000 for the published camera one.
/// The published shallow water epoch (11 discriminator steps with unrolling) takes minutes on a CPU;
/// paper-unrolled=0 times one discriminator and one generator step instead; paper-batch=B a smaller batch (one
/// step of the published shallow water networks at the published batch of 125 needs more than 24 GB of memory).
/// Example: application-speed tasks=shallow_water,camera presets=fast,paper epochs=20 paper-epochs=1 paper-unrolled=0 repeats=3 threads-list=1,2
/// </summary>
internal static class ApplicationSpeed
{
    public static int Run(Settings s)
    {
        int repeats = s.Int("repeats", 3);
        int[] threadCounts = s.Ints("threads-list", "1,2");
        int epochs = s.Int("epochs", 20);
        int paperEpochs = s.Int("paper-epochs", 1);
        int? paperBatch = s.Get("paper-batch", "") is { Length: > 0 } pb ? int.Parse(pb, System.Globalization.CultureInfo.InvariantCulture) : null;
        int? paperUnrolled = s.Get("paper-unrolled", "") is { Length: > 0 } u ? int.Parse(u, System.Globalization.CultureInfo.InvariantCulture) : null;
        var tasks = s.Get("tasks", string.Join(",", ApplicationRegistry.Names)).Split(',', StringSplitOptions.RemoveEmptyEntries);
        var presets = s.Get("presets", "fast,paper").Split(',', StringSplitOptions.RemoveEmptyEntries);
        s.EnsureAllUsed();
        Console.WriteLine($"Release build, {Environment.ProcessorCount} cores, median of {repeats} runs, seconds per epoch (the hold-out evaluation excluded).");
        Console.WriteLine($"| task | preset (unrolled steps) | batch | epochs timed | {string.Join(" | ", threadCounts.Select(t => $"{t} thread{(t == 1 ? "" : "s")}"))} |");
        Console.WriteLine($"|---|---|---:|---:|{string.Join("", threadCounts.Select(_ => "---:|"))}");
        foreach (var name in tasks)
            foreach (var preset in presets)
            {
                var model = ApplicationRegistry.Create(name, preset);
                var options = model.Options(preset);
                if (preset == "paper" && paperUnrolled is { } steps) options = options with { UnrolledSteps = steps };
                int batch = preset == "paper" ? paperBatch ?? PaperBatch(model) : options.BatchSize(model.DefaultSimulations);
                int timed = preset == "paper" ? paperEpochs : epochs;
                var data = new SimulationRunner().Run(model.Prior, model.Simulator, Math.Max(2 * batch, 300) + options.HoldOut, 1);
                // One hold-out log, after the last epoch; its evaluation is not counted.
                options = options with { MaxEpochs = timed, LogEvery = timed, BatchSizeFraction = 1, MaxBatchSize = batch, UseStoppingRules = false };
                // An untimed warm-up (library loading, first calls), unless a single epoch takes minutes anyway.
                if (timed > 1) new GatsbiTrainer(options with { MaxEpochs = 1, LogEvery = 1, Threads = 1 }).Train(data, support: null, seed: 1).Posterior.Dispose();
                var medians = threadCounts.Select(threads =>
                {
                    var seconds = new List<double>();
                    for (int r = 0; r < repeats; r++)
                    {
                        var result = new GatsbiTrainer(options with { Threads = threads }).Train(data, support: null, seed: (ulong)r + 1);
                        // The log row's time is taken before its hold-out evaluation, so this is the epochs alone.
                        seconds.Add(result.Log[^1].Elapsed.TotalSeconds / result.Epochs);
                        result.Posterior.Dispose();
                    }
                    seconds.Sort();
                    return seconds[seconds.Count / 2];
                }).ToArray();
                Console.WriteLine($"| {name} | {preset} ({options.UnrolledSteps}) | {batch} | {timed} | {string.Join(" | ", medians.Select(v => v.ToString("F3")))} |");
            }
        return 0;
    }

    /// <summary>The published batch: 0.125 % of 100,000 shallow water simulations, 1 % of 10⁶ (capped at 1000) camera images.</summary>
    private static int PaperBatch(ApplicationModel model) => model is ShallowWaterModel ? 125 : 1000;
}
