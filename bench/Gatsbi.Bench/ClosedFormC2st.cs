using Gatsbi.Benchmarks;
using Gatsbi.Metrics;
using Gatsbi.Randomness;

namespace Gatsbi.Bench;

/// <summary>
/// C2ST of 10,000 closed-form posterior samples against sbibm's stored reference samples, per observation:
/// checks the analytic tasks end to end (data, closed forms, metric); values near 0.5 are expected.
/// Example: closed-form-c2st tasks=two_moons,gaussian_linear,gaussian_linear_uniform observations=1,2,3
/// </summary>
internal static class ClosedFormC2st
{
    public static int Run(Settings s)
    {
        var names = s.Get("tasks", "two_moons,gaussian_linear,gaussian_linear_uniform").Split(',', StringSplitOptions.RemoveEmptyEntries);
        int[] observations = s.Ints("observations", "1,2,3,4,5,6,7,8,9,10");
        int count = s.Int("samples", BenchmarkTask.ReferenceSampleCount);
        s.EnsureAllUsed();
        foreach (var name in names)
        {
            var task = TaskRegistry.Get(name);
            if (task is not IClosedFormPosterior closedForm) throw new ArgumentException($"{name} has no closed-form posterior.");
            var scores = new List<double>();
            foreach (int k in observations)
            {
                if (task.FindReference(k)?.Origin != ReferenceOrigin.Embedded)
                    throw new ArgumentException($"{name} observation {k} has no stored sbibm reference to compare with.");
                var reference = task.ReferencePosterior(k).SliceRows(0, count);
                var samples = closedForm.SamplePosterior(task.Observation(k), count, new Rng(Seeds.Derive(7, Seeds.Streams.Sampling, (ulong)k)));
                scores.Add(C2st.Compute(reference, samples).Accuracy);
                Console.WriteLine($"{name} observation {k}: C2ST {scores[^1]:F4}");
            }
            Console.WriteLine($"{name}: mean {scores.Average():F4}, max {scores.Max():F4} over {scores.Count} observations");
        }
        return 0;
    }
}
