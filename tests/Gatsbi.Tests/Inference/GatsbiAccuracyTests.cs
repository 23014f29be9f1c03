using Gatsbi.Benchmarks.Tasks;
using Gatsbi.Distributions;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Metrics;
using Gatsbi.Randomness;
using Gatsbi.Simulation;
using Gatsbi.Tests.Core;
using Xunit.Abstractions;

namespace Gatsbi.Tests.Inference;

/// <summary>
/// End-to-end training on budgets small enough for CI. Fixed seeds make the runs deterministic on a given
/// machine, but other CPUs round differently and adversarial training amplifies that, so each test asserts a
/// property with a bound set against the spread over training seeds, never one machine's value.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class GatsbiAccuracyTests(ITestOutputHelper output) : TorchTest
{
    private static readonly TwoMoons Task = new();

    /// <summary>
    /// End to end: a short Fast run must learn the shape of the two_moons posterior, two thin crescents that no
    /// Gaussian can follow. The baseline is measured in the test: the normal fitted to the reference samples'
    /// mean and covariance, the best any method limited to two moments can do, scores about 0.97 (scikit-learn's
    /// C2ST gives 0.967 on the same construction, see the calibration cases). GATSBI must beat it by 0.15.
    /// Which value a run reaches depends on its training trajectory, and so on the CPU: over training seeds
    /// 1–6 this configuration scored 0.650 ± 0.042 (mean ± sd, 0.596–0.707; bench trajectory-spread, part
    /// accuracy, 2-core reference machine), so the bound lies about 4 sd above the mean, while a broken noise
    /// layer, loss or standardisation scores 0.9–1.0.
    /// </summary>
    [Fact]
    public void A_short_fast_run_learns_a_posterior_no_gaussian_can_match()
    {
        var options = GatsbiOptions.Fast() with { MaxEpochs = 800, LogEvery = 100 };
        var simulations = new SimulationRunner().Run(Task.Prior, Task.Simulator, 3_000, seed: 11);
        var result = new GatsbiTrainer(options).Train(simulations, Task.Prior.Support, seed: 11);
        using var posterior = result.Posterior;

        var reference = Task.ReferencePosterior(1).SliceRows(0, 2_000);
        double gatsbi = C2st.Compute(reference, posterior.Sample(Task.Observation(1), 2_000, seed: 11).Samples).Accuracy;
        double gaussian = C2st.Compute(reference, MultivariateNormal.FitMoments(reference).Sample(2_000, new Rng(11))).Accuracy;
        output.WriteLine($"C2ST: GATSBI {gatsbi:F3}, Gaussian fitted to the reference {gaussian:F3}");
        Assert.True(gaussian > 0.9, $"the Gaussian baseline scored {gaussian:F3}; the two crescents should keep it above 0.9");
        Assert.True(gatsbi < gaussian - 0.15, $"C2ST {gatsbi:F3} is not 0.15 below the Gaussian fit's {gaussian:F3}");
    }

    /// <summary>
    /// libtorch's parallel reductions round differently with more threads, and adversarial training amplifies
    /// last-bit differences, so 1- and 2-thread runs are not bit-identical (runs with the same thread count are;
    /// see GatsbiTrainerTests). Users need the posterior not to depend on it: changing the thread count may move
    /// the posterior no further than changing the seed does. Both distances are measured here, on this machine's
    /// code path, so the test holds on any CPU. On the 2-core reference machine (bench trajectory-spread,
    /// seeds 1–6) C2ST between neighbouring seeds' posteriors was 0.656–0.696 (sd 0.019) and between the 1- and
    /// 2-thread posteriors of one seed 0.49–0.65, never above the seeds' level. The thread distance must stay
    /// below the larger of two seed distances plus 0.05: even if the thread count acted like a full change of
    /// seed, exceeding that takes a draw 2.6 seed-spread sd above the larger of two others from the same spread
    /// (0.6 % of the time for normal draws); a thread count that broke training would score 0.8–1.0.
    /// </summary>
    [Fact]
    public void The_thread_count_moves_the_posterior_no_further_than_the_seed_does()
    {
        var options = GatsbiOptions.Fast() with { MaxEpochs = 400, LogEvery = 100 };
        var simulations = new SimulationRunner().Run(Task.Prior, Task.Simulator, 2_000, seed: 4);
        float[,] Run(ulong seed, int threads)
        {
            var result = new GatsbiTrainer(options with { Threads = threads }).Train(simulations, Task.Prior.Support, seed);
            using var posterior = result.Posterior;
            return posterior.Sample(Task.Observation(2), 2_000, seed: 4).Samples;
        }

        var one = Run(seed: 4, threads: 1);
        double threads = C2st.Compute(one, Run(seed: 4, threads: 2)).Accuracy;
        double seeds = Math.Max(C2st.Compute(one, Run(seed: 5, threads: 1)).Accuracy, C2st.Compute(one, Run(seed: 6, threads: 1)).Accuracy);
        output.WriteLine($"C2ST between the 1- and 2-thread posteriors {threads:F3}; larger of two seed-to-seed C2STs {seeds:F3}");
        Assert.True(threads < seeds + 0.05, $"C2ST {threads:F3} between the 1- and 2-thread posteriors, {seeds:F3} between seeds");
    }
}
