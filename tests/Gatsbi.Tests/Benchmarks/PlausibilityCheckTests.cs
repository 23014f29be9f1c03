using Gatsbi.Benchmarks;
using Gatsbi.Benchmarks.Tasks;
using Gatsbi.Distributions;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Tests.Benchmarks;

/// <summary>Every stored observation is plausible under our simulator at its true parameters (docs/tasks.md, "How the tasks are checked").</summary>
public sealed class PlausibilityCheckTests
{
    public static TheoryData<string> Tasks => new(TaskRegistry.Names);

    /// <summary>
    /// 5,000 simulations per observation place each percentile to within ±0.007 (binomial SE at 0.5); the
    /// verdict is the Kolmogorov–Smirnov test of the ten percentiles at the 0.1% level, so the known tail
    /// observations (slcp 7 at p ≈ 0.005, sir 10 at 0.001, lotka_volterra 8 at 0.005) do not fail it.
    /// </summary>
    [Theory]
    [MemberData(nameof(Tasks))]
    public void Stored_observations_are_plausible_at_their_true_parameters(string name)
    {
        var result = PlausibilityCheck.Run(TaskRegistry.Get(name), 5_000, seed: 2026);
        Assert.True(result.Plausible,
            $"{name}: KS D = {result.KsDistance:F3}; percentiles {string.Join(", ", result.Percentiles.Select(p => p.ToString("F4")))}");
        Assert.All(result.FailedSimulations, f => Assert.Equal(0, f));
    }

    /// <summary>The check can fail: gaussian_linear's data simulated with a tenth of the noise variance is implausible.</summary>
    [Fact]
    public void A_simulator_with_the_wrong_noise_scale_is_found_implausible()
    {
        var result = PlausibilityCheck.Run(new TooQuietGaussianLinear(), 2_000, seed: 1);
        Assert.False(result.Plausible);
        Assert.All(result.Percentiles, p => Assert.True(p < 0.01, $"percentile {p}")); // x_o is far too far from θ
    }

    [Fact]
    public void Kolmogorov_smirnov_distance_of_known_sets()
    {
        Assert.Equal(0.05, PlausibilityCheck.KolmogorovSmirnovUniform([0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95]), 12);
        Assert.Equal(1.0, PlausibilityCheck.KolmogorovSmirnovUniform([0, 0, 0]), 12);
        Assert.Equal(0.9, PlausibilityCheck.KolmogorovSmirnovUniform([0.9]), 12);
    }

    private sealed class TooQuietGaussianLinear : BenchmarkTask
    {
        private readonly GaussianLinear _task = new();
        public override string Name => _task.Name; // reads gaussian_linear's stored observations
        public override string PriorDescription => _task.PriorDescription;
        public override IPrior Prior => _task.Prior;
        public override ISimulator Simulator { get; } = new PerSampleSimulator(10, 10, (theta, x, rng) =>
        {
            for (int j = 0; j < 10; j++) x[j] = (float)rng.Normal(theta[j], Math.Sqrt(0.01));
        });
        public override string[] ParameterNames => _task.ParameterNames;
        public override DataStatistic PlausibilityStatistic(float[] theta) => _task.PlausibilityStatistic(theta);
    }
}
