using System.Diagnostics;
using System.Globalization;
using Gatsbi.Benchmarks;
using Gatsbi.Inference.Gatsbi.Sequential;
using Gatsbi.Metrics;

namespace Gatsbi.Bench;

/// <summary>
/// Compares variants of sequential GATSBI's later rounds from one shared round 0, per observation, by C2ST.
/// Example: sequential-study task=two_moons simulations=1000 observations=1,2,3 samples=5000
///          variants=inv;imp;ebm;inv/lr=0.3;inv/epochs=6000;inv/mix=0.2 out=study.csv
/// A variant is a correction (inv, imp, ebm) followed by /key=value overrides: epochs (later-round epochs),
/// lr (later-round learning-rate scale), mix (prior mixture). Round 0 follows SequentialOptions.Fast.
/// </summary>
internal static class SequentialStudy
{
    public static int Run(Settings s)
    {
        var task = TaskRegistry.Get(s.Get("task", "two_moons"));
        int simulations = s.Int("simulations", 1_000);
        ulong seed = (ulong)s.Int("seed", 1);
        int[] observations = s.Ints("observations", "1,2,3");
        int samples = s.Int("samples", 5_000);
        string output = s.Get("out", "");
        var variants = s.Get("variants", "inv;imp;ebm").Split(';', StringSplitOptions.RemoveEmptyEntries);
        s.EnsureAllUsed();

        var parsed = variants.Select(v => (Name: v, Options: Parse(v))).ToList();
        var baseOptions = parsed[0].Options;
        var clock = Stopwatch.StartNew();
        using var start = new SequentialGatsbi(baseOptions).FirstRound(task.Prior, task.Simulator, simulations, seed);
        Console.WriteLine($"round 0 ({start.Budgets[0]} simulations) trained in {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var (name, options) in parsed)
        {
            var scores = new List<double>();
            foreach (int k in observations)
            {
                var result = new SequentialGatsbi(options).Refine(start, task.Observation(k), seed + (ulong)k);
                using var posterior = result.Posterior;
                var reference = task.ReferencePosterior(k).SliceRows(0, samples);
                var drawn = posterior.Sample(task.Observation(k), samples, seed).Samples;
                double c2st = C2st.Compute(reference, drawn).Accuracy;
                scores.Add(c2st);
                var last = result.Rounds[^1];
                Console.WriteLine($"{name,-24} observation {k,2}: C2ST {c2st:F3}  (later rounds {last.Elapsed.TotalSeconds:F1} s, of which classifiers {last.ClassifierSeconds:F1} s, {last.ThetaClassifierEpochs}/{last.DataClassifierEpochs} epochs)");
                if (output.Length > 0)
                    File.AppendAllText(output, string.Join(',', name.Replace(',', ' '), task.Name, simulations, seed, k, c2st.ToString("F4", CultureInfo.InvariantCulture),
                        last.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)) + Environment.NewLine);
            }
            Console.WriteLine($"{name,-24} mean C2ST {scores.Average():F3}");
        }
        return 0;
    }

    private static SequentialOptions Parse(string variant)
    {
        var parts = variant.Split('/');
        var correction = parts[0] switch
        {
            "inv" => SequentialCorrection.InverseImportanceWeights,
            "imp" => SequentialCorrection.ImportanceWeights,
            "ebm" => SequentialCorrection.EnergyBased,
            _ => throw new ArgumentException($"Unknown correction '{parts[0]}' in variant '{variant}'; expected inv, imp or ebm."),
        };
        var options = SequentialOptions.Fast(correction);
        foreach (var part in parts.Skip(1))
        {
            var (key, value) = (part[..part.IndexOf('=')], part[(part.IndexOf('=') + 1)..]);
            double number = double.Parse(value, CultureInfo.InvariantCulture);
            options = key switch
            {
                "epochs" => options with { LaterRoundEpochs = (int)number },
                "lr" => options with { LaterRoundLearningRateScale = number },
                "mix" => options with { PriorMixture = number },
                _ => throw new ArgumentException($"Unknown key '{key}' in variant '{variant}'; expected epochs, lr or mix."),
            };
        }
        return options;
    }
}
