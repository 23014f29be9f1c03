using System.Globalization;
using Gatsbi.Benchmarks.Tasks;
using Gatsbi.Diagnostics;
using Gatsbi.Distributions;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Metrics;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Bench;

/// <summary>
/// The spread over training seeds of the statistics that the unit tests of training assert on
/// (tests/Gatsbi.Tests/Inference/GatsbiAccuracyTests.cs and GatsbiTrainerTests.cs), each in the test's own
/// configuration. A different CPU, BLAS code path or thread count follows a different training trajectory,
/// which for these statistics is one more draw from the spread over seeds: the tests' bounds are stated
/// against the spread this experiment prints, never against one run. Run it under several CPU code paths
/// (bench/cpu_code_paths.sh sets them) to check that the spread itself does not depend on the path.
/// Example: trajectory-spread parts=threads,accuracy,variants,checkpoint seeds=1,2,3,4,5,6 [variants=hinge,wgan-gp variant-epochs=300 variant-best=true variant-problem=conjugate|two_moons]
/// </summary>
internal static class TrajectorySpread
{
    private static readonly TwoMoons Task = new();

    public static int Run(Settings s)
    {
        var parts = s.Get("parts", "threads,accuracy,variants,checkpoint").Split(',');
        var seeds = s.Ints("seeds", "1,2,3,4,5,6").Select(v => (ulong)v).ToArray();
        var variantNames = s.Get("variants", "");
        int variantEpochs = s.Int("variant-epochs", 300);
        bool variantBest = s.Get("variant-best", "true") == "true";
        string variantProblem = s.Get("variant-problem", "conjugate");
        s.EnsureAllUsed();
        Console.WriteLine($"ATEN_CPU_CAPABILITY={Environment.GetEnvironmentVariable("ATEN_CPU_CAPABILITY") ?? "(unset)"} MKL_CBWR={Environment.GetEnvironmentVariable("MKL_CBWR") ?? "(unset)"}");
        foreach (var part in parts)
        {
            switch (part)
            {
                case "threads": Threads(seeds); break;
                case "accuracy": Accuracy(seeds); break;
                case "variants": Variants(seeds, variantNames, variantEpochs, variantBest, variantProblem); break;
                case "checkpoint": Checkpoint(seeds); break;
                default: throw new ArgumentException($"Unknown part '{part}'; expected threads, accuracy, variants or checkpoint.");
            }
        }
        return 0;
    }

    /// <summary>C2ST between the 1- and 2-thread posteriors of each seed, and between the 1-thread posteriors of neighbouring seeds.</summary>
    private static void Threads(ulong[] seeds)
    {
        var options = GatsbiOptions.Fast() with { MaxEpochs = 400, LogEvery = 100 };
        var data = new SimulationRunner().Run(Task.Prior, Task.Simulator, 2_000, seed: 4);
        float[,] Train(ulong seed, int threads)
        {
            var result = new GatsbiTrainer(options with { Threads = threads }).Train(data, Task.Prior.Support, seed);
            using var posterior = result.Posterior;
            return posterior.Sample(Task.Observation(2), 2_000, seed: 4).Samples;
        }
        var one = seeds.Select(seed => Train(seed, 1)).ToArray();
        var threadPairs = new List<double>();
        for (int i = 0; i < seeds.Length; i++)
        {
            threadPairs.Add(C2st.Compute(one[i], Train(seeds[i], 2)).Accuracy);
            Console.WriteLine($"threads: seed {seeds[i]}, C2ST(1 thread, 2 threads) {threadPairs[^1]:F3}");
        }
        var seedPairs = new List<double>();
        for (int i = 0; i + 1 < seeds.Length; i++)
        {
            seedPairs.Add(C2st.Compute(one[i], one[i + 1]).Accuracy);
            Console.WriteLine($"threads: C2ST(seed {seeds[i]}, seed {seeds[i + 1]}), 1 thread {seedPairs[^1]:F3}");
        }
        Report("threads: 1 vs 2 threads", threadPairs);
        Report("threads: seed vs seed", seedPairs);
    }

    /// <summary>C2ST against the reference after the accuracy test's short Fast run, and of a Gaussian fitted to the reference.</summary>
    private static void Accuracy(ulong[] seeds)
    {
        var options = GatsbiOptions.Fast() with { MaxEpochs = 800, LogEvery = 100 };
        var data = new SimulationRunner().Run(Task.Prior, Task.Simulator, 3_000, seed: 11);
        var reference = Task.ReferencePosterior(1).SliceRows(0, 2_000);
        var values = new List<double>();
        foreach (var seed in seeds)
        {
            var result = new GatsbiTrainer(options).Train(data, Task.Prior.Support, seed);
            using var posterior = result.Posterior;
            values.Add(C2st.Compute(reference, posterior.Sample(Task.Observation(1), 2_000, seed).Samples).Accuracy);
            Console.WriteLine($"accuracy: seed {seed}, C2ST {values[^1]:F3}");
        }
        Report("accuracy: C2ST vs reference", values);
    }

    /// <summary>For each loss and regulariser of the variants test: energy score skill over the prior on the conjugate Gaussian, and the last/first hold-out ratio.</summary>
    private static void Variants(ulong[] seeds, string only, int epochs, bool keepBest, string problem)
    {
        var tiny = GatsbiOptions.Fast() with { MaxEpochs = epochs, HoldOut = 100, LogEvery = 10, EnsembleSize = 1, KeepBestCheckpoint = keepBest };
        var baseOptions = tiny with { Discriminator = tiny.Discriminator with { InputGain = 1 } };
        var variants = new Dictionary<string, GatsbiOptions>
        {
            ["hinge"] = baseOptions with { Loss = GatsbiLossKind.Hinge },
            ["least-squares"] = baseOptions with { Loss = GatsbiLossKind.LeastSquares },
            ["wgan-gp"] = baseOptions with { Loss = GatsbiLossKind.WassersteinGp, Discriminator = baseOptions.Discriminator with { SpectralNorm = false }, DiscriminatorSteps = 5 },
            ["energy-score"] = baseOptions with { EnergyScoreWeight = 1 },
            ["weight-average"] = baseOptions with { GeneratorAverageDecay = 0.9 },
            ["unbounded"] = baseOptions with { TransformToUnbounded = true },
            ["input-gain"] = baseOptions with { Discriminator = baseOptions.Discriminator with { InputGain = 10 } },
        };
        // The test's problem: θ ~ N(0, I₂), x = θ + N(0, 0.5² I₂), whose exact posterior N(0.8x, 0.2 I) has skill
        // 1 − √0.2 = 0.553 over the prior (tests/Gatsbi.Tests/Diagnostics/ConjugateGaussian.cs).
        IPrior prior = MultivariateNormal.Isotropic([0.0, 0.0], 1);
        ISimulator simulator = new PerSampleSimulator(2, 2, (theta, x, rng) =>
        {
            for (int j = 0; j < 2; j++) x[j] = (float)(theta[j] + 0.5 * rng.Normal());
        });
        if (problem == "two_moons") (prior, simulator) = (Task.Prior, Task.Simulator);
        else if (problem != "conjugate") throw new ArgumentException($"Unknown variant-problem '{problem}'; expected conjugate or two_moons.");
        var data = new SimulationRunner().Run(prior, simulator, 2_000, seed: 1);
        var names = only.Length == 0 ? variants.Keys.ToArray() : only.Split(',');
        foreach (var name in names)
        {
            if (!variants.TryGetValue(name, out var options)) throw new ArgumentException($"Unknown variant '{name}'; expected one of {string.Join(", ", variants.Keys)}.");
            var skills = new List<double>();
            foreach (var seed in seeds)
            {
                var result = new GatsbiTrainer(options).Train(data, prior.Support, seed);
                using var posterior = result.Posterior;
                var skill = EnergyScoreSkill.Compute(posterior, prior, simulator, pairs: 200, draws: 16, seed: 3);
                skills.Add(skill.Skill);
                double ratio = result.Log[^1].HoldOutEnergyScore / result.Log[0].HoldOutEnergyScore;
                Console.WriteLine($"variants ({problem}, best checkpoint {keepBest}): {name}, seed {seed}: skill {skill.Skill:F3} (posterior {skill.PosteriorScore:F3}, prior {skill.PriorScore:F3}, {skill.UnscoredPairs} unscored), hold-out last/first {ratio:F3}");
            }
            Report($"variants: {name} skill", skills);
        }
    }

    /// <summary>The epoch at which the checkpoint test's run scores best on the hold-out set, per seed.</summary>
    private static void Checkpoint(ulong[] seeds)
    {
        var options = GatsbiOptions.Fast() with
        {
            MaxEpochs = 110, HoldOut = 100, LogEvery = 10, EnsembleSize = 1, Schedule = LearningRateSchedule.Constant,
            GeneratorLearningRate = 3e-3, DiscriminatorLearningRate = 3e-3, KeepBestCheckpoint = true,
        };
        var data = new SimulationRunner().Run(Task.Prior, Task.Simulator, 1_000, seed: 1);
        foreach (var seed in seeds)
        {
            var result = new GatsbiTrainer(options).Train(data, Task.Prior.Support, seed);
            using var posterior = result.Posterior;
            int best = result.Log.MinBy(r => r.HoldOutEnergyScore)!.Epoch;
            Console.WriteLine($"checkpoint: seed {seed}, best logged epoch {best} of {options.MaxEpochs}");
        }
    }

    private static void Report(string what, IReadOnlyList<double> values)
    {
        double mean = values.Average();
        double sd = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : double.NaN;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"== {what}: n {values.Count}, mean {mean:F3}, sd {sd:F3}, min {values.Min():F3}, max {values.Max():F3}"));
    }
}
