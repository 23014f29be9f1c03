using Gatsbi.Benchmarks.Tasks;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Metrics;
using Gatsbi.Simulation;
using Gatsbi.Tests.Core;
using Xunit.Abstractions;

namespace Gatsbi.Tests.Inference;

/// <summary>
/// End-to-end: training must produce a posterior that C2ST can barely tell from the reference, on a
/// budget small enough for CI. Fixed seeds make these runs deterministic on a given machine.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class GatsbiAccuracyTests(ITestOutputHelper output) : TorchTest
{
    private static readonly TwoMoons Task = new();

    [Fact]
    public void A_short_fast_run_on_two_moons_beats_the_stated_c2st_bound()
    {
        var options = GatsbiOptions.Fast() with { MaxEpochs = 800, LogEvery = 100 };
        var simulations = new SimulationRunner().Run(Task.Prior, Task.Simulator, 3_000, seed: 11);
        var result = new GatsbiTrainer(options).Train(simulations, Task.Prior.Support, seed: 11);
        using var posterior = result.Posterior;

        var reference = Task.ReferencePosterior(1).SliceRows(0, 2_000);
        var samples = posterior.Sample(Task.Observation(1), 2_000, seed: 11).Samples;
        double c2st = C2st.Compute(reference, samples).Accuracy;

        // The prior itself scores ≈ 1.0 here (the posterior's two thin crescents cover a tiny part of the
        // prior box), and the published GATSBI reaches 0.876 only with 10k simulations. This run measured
        // 0.577 when the test was written and 0.624 with the current preset (input gain, two generators); other machines round differently and so follow another training
        // trajectory, which at this budget moves C2ST by a few hundredths. 0.70 leaves room for that and
        // still fails on a real regression (a broken noise layer, loss or standardisation scores 0.9-1.0).
        output.WriteLine($"C2ST {c2st:F3}");
        Assert.True(c2st < 0.70, $"C2ST {c2st:F3} is not below 0.70");
    }

    [Fact]
    public void One_and_two_threads_give_statistically_equivalent_posteriors()
    {
        // libtorch's parallel reductions round differently with more threads, and adversarial training
        // amplifies last-bit differences, so the two runs are not bit-identical (runs with the same thread
        // count are; see GatsbiTrainerTests). What users need is that the posterior does not depend on it.
        var options = GatsbiOptions.Fast() with { MaxEpochs = 400, LogEvery = 100 };
        var simulations = new SimulationRunner().Run(Task.Prior, Task.Simulator, 2_000, seed: 4);
        float[,] Run(int threads)
        {
            var result = new GatsbiTrainer(options with { Threads = threads }).Train(simulations, Task.Prior.Support, seed: 4);
            using var posterior = result.Posterior;
            return posterior.Sample(Task.Observation(2), 2_000, seed: 4).Samples;
        }

        var one = Run(1);
        var two = Run(2);
        double c2st = C2st.Compute(one, two).Accuracy;
        output.WriteLine($"C2ST between 1- and 2-thread posteriors {c2st:F3}");
        // Measured 0.508 with the earlier preset and 0.569 with the current one (two generators, input gain
        // 10): after 400 epochs two training trajectories differ about as much as two seeds do, and the
        // thread count only changes the trajectory. With 2,000 samples a side C2ST has a standard error of
        // about 0.01, so 0.6 fails when the thread count changes the posterior beyond that seed-level spread.
        Assert.True(c2st < 0.6, $"C2ST {c2st:F3} between the 1- and 2-thread posteriors");
    }
}
