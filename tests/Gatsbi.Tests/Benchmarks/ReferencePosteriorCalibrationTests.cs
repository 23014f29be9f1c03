using Gatsbi.Benchmarks;
using Gatsbi.Distributions;
using Xunit.Abstractions;

namespace Gatsbi.Tests.Benchmarks;

/// <summary>
/// Checks every task's reference posteriors, sbibm's bundled ones and those Gatsbi generated, against the exact
/// posterior density. The true parameters of an observation are a draw from that observation's posterior (θ was
/// drawn from the prior, then x_o from the simulator at θ), so the share of reference samples with a higher
/// posterior density than θ_true's (its highest-density rank) is uniform over observations. Over the ten
/// observations the ranks must pass Kolmogorov–Smirnov at the 0.1 % level (critical value 0.489 for n = 10), the
/// bound <see cref="PlausibilityCheck"/> uses for the observations themselves. References two times too narrow
/// put every θ_true in their tails (ranks near 1) and fail; so do references centred at the wrong place.
/// </summary>
public sealed class ReferencePosteriorCalibrationTests(ITestOutputHelper output)
{
    public static TheoryData<string> TasksWithReferences => new(
        "two_moons", "slcp", "gaussian_linear", "gaussian_linear_uniform", "gaussian_mixture", "bernoulli_glm", "sir", "lotka_volterra");

    /// <summary>Reference samples scored per observation: enough to resolve a rank to ±0.01.</summary>
    private const int Scored = 2_000;

    [Theory]
    [MemberData(nameof(TasksWithReferences))]
    public void True_parameters_have_uniform_highest_density_ranks_among_the_reference_samples(string name)
    {
        var task = TaskRegistry.Get(name);
        var likelihood = Assert.IsAssignableFrom<IUnnormalisedLikelihood>(task);
        var density = Assert.IsAssignableFrom<IDensity>(task.Prior);
        var ranks = new List<double>();
        for (int k = 1; k <= BenchmarkTask.ObservationCount; k++)
        {
            var x = task.Observation(k);
            double LogPosterior(ReadOnlySpan<float> theta) => density.LogDensity(theta) + likelihood.LogLikelihoodUpToData(theta, x);
            double truth = LogPosterior(task.TrueParameters(k));
            var samples = task.ReferencePosterior(k);
            int n = Math.Min(Scored, samples.GetLength(0)), higher = 0;
            for (int i = 0; i < n; i++)
                if (LogPosterior(samples.Row(i)) > truth) higher++;
            ranks.Add(higher / (double)n);
        }
        double ks = PlausibilityCheck.KolmogorovSmirnovUniform(ranks);
        output.WriteLine($"{name}: ranks {string.Join(" ", ranks.Select(r => r.ToString("F3")))}; KS {ks:F3}");
        Assert.True(ks < 0.489, $"{name}: highest-density ranks of θ_true {string.Join(", ", ranks.Select(r => r.ToString("F3")))} are not uniform (KS {ks:F3} ≥ 0.489)");
    }
}
