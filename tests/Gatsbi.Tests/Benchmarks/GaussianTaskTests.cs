using Gatsbi.Benchmarks;
using Gatsbi.Benchmarks.Tasks;
using Gatsbi.Randomness;
using Gatsbi.Simulation;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Benchmarks;

public sealed class GaussianTaskTests
{
    private static double ScaledDistance(ReadOnlySpan<float> theta, ReadOnlySpan<float> x)
    {
        double sum = 0;
        for (int j = 0; j < theta.Length; j++) sum += (x[j] - (double)theta[j]) * (x[j] - (double)theta[j]);
        return sum / 0.1;
    }

    private static double Distance(ReadOnlySpan<float> theta, ReadOnlySpan<float> x) => Math.Sqrt(0.1 * ScaledDistance(theta, x));

    /// <summary>‖x_o − θ_true‖²/0.1 (χ²₁₀ under the simulator) for observations 1..10 (two decimals), computed independently of this code from sbibm's stored files.</summary>
    [Theory]
    [InlineData("gaussian_linear", new[] { 9.93, 18.07, 8.86, 12.53, 9.88, 11.84, 13.54, 8.73, 12.17, 15.65 })]
    [InlineData("gaussian_linear_uniform", new[] { 12.80, 17.26, 12.52, 11.16, 6.30, 5.08, 5.31, 6.70, 7.14, 5.68 })]
    public void Stored_chi_square_statistics_match_the_specification(string name, double[] expected)
    {
        var task = TaskRegistry.Get(name);
        for (int k = 1; k <= 10; k++)
            Assert.InRange(ScaledDistance(task.TrueParameters(k), task.Observation(k)), expected[k - 1] - 0.005, expected[k - 1] + 0.005);
    }

    [Theory]
    [InlineData("gaussian_linear")]
    [InlineData("gaussian_linear_uniform")]
    public void Simulated_statistic_is_chi_square_10(string name)
    {
        var task = TaskRegistry.Get(name);
        var theta = task.TrueParameters(1);
        const int n = 40_000;
        var x = new SimulationRunner().Simulate(task.Simulator, Matrices.Repeat(theta, n), seed: 7);
        var stats = Enumerable.Range(0, n).Select(i => ScaledDistance(theta, x.Row(i))).ToArray();
        // χ²₁₀ has mean 10 and variance 20: SE(mean) = √(20/n) ≈ 0.022; SE(variance) ≈ √((μ₄ − σ⁴)/n)
        // with central fourth moment μ₄ = 12·k(k + 4) = 1,680, so ≈ 0.18. 5 SE bounds; a wrong noise
        // variance (0.01 or 1 instead of 0.1) misses them by far.
        Assert.InRange(Stats.Mean(stats), 10 - 0.11, 10 + 0.11);
        Assert.InRange(Stats.Variance(stats), 20 - 0.9, 20 + 0.9);
    }

    [Fact]
    public void Gaussian_linear_prior_has_variance_0_1_and_its_density_is_normal()
    {
        var task = new GaussianLinear();
        var theta = task.Prior.Sample(40_000, new Rng(3));
        for (int j = 0; j < 10; j++)
        {
            var column = Enumerable.Range(0, theta.GetLength(0)).Select(i => (double)theta[i, j]).ToArray();
            // SE(var) = 0.1·√(2/n) ≈ 7.1e-4; 5 SE.
            Assert.InRange(Stats.Variance(column), 0.1 - 0.0036, 0.1 + 0.0036);
        }
        double expected = -5 * Math.Log(2 * Math.PI * 0.1) - 0.5 * (0.25 * 10) / 0.1;
        Assert.Equal(expected, ((Distributions.IDensity)task.Prior).LogDensity(Enumerable.Repeat(0.5f, 10).ToArray()), 9);
    }

    /// <summary>
    /// The stored gaussian_linear references are draws from the closed form N(x_o/2, 0.05·I): mean within 0.01 of x_o/2
    /// and variances in [0.049, 0.051].
    /// </summary>
    [Fact]
    public void Gaussian_linear_reference_moments_match_the_closed_form()
    {
        var task = new GaussianLinear();
        var x = task.Observation(3);
        var samples = task.ReferencePosterior(3);
        for (int j = 0; j < 10; j++)
        {
            var column = Enumerable.Range(0, samples.GetLength(0)).Select(i => (double)samples[i, j]).ToArray();
            Assert.InRange(Stats.Mean(column), x[j] / 2.0 - 0.01, x[j] / 2.0 + 0.01);
            Assert.InRange(Stats.Variance(column), 0.049, 0.051);
        }
    }

    [Fact]
    public void Gaussian_mixture_distances_match_the_specification()
    {
        var task = new GaussianMixture();
        // ‖x_o − θ_true‖ for observations 1..10 (three decimals), computed independently of this code from sbibm's stored files.
        double[] expected = [0.056, 0.092, 0.217, 0.140, 0.912, 1.726, 0.772, 0.057, 0.295, 1.406];
        for (int k = 1; k <= 10; k++)
            Assert.InRange(Distance(task.TrueParameters(k), task.Observation(k)), expected[k - 1] - 5e-4, expected[k - 1] + 5e-4);
    }

    [Fact]
    public void Gaussian_mixture_draws_one_component_per_simulation()
    {
        var task = new GaussianMixture();
        const int n = 40_000;
        var x = new SimulationRunner().Simulate(task.Simulator, Matrices.Repeat([0f, 0f], n), seed: 13);
        // Component 1 (std 0.1) puts ‖x‖ below 0.5 with probability 1 − e^{−12.5} ≈ 1; component 0
        // (std 1) with probability 1 − e^{−0.125} ≈ 0.1175. So P(‖x‖ < 0.5) = ½(1 + 0.1175) = 0.5588,
        // SE = √(0.25/n) ≈ 0.0025; 5 SE bound. Per-batch components would give 0.1175 or 1.
        double inside = Enumerable.Range(0, n).Count(i => Math.Sqrt(x[i, 0] * x[i, 0] + x[i, 1] * x[i, 1]) < 0.5) / (double)n;
        Assert.InRange(inside, 0.5588 - 0.0125, 0.5588 + 0.0125);
    }

    [Fact]
    public void Gaussian_mixture_reference_comes_from_the_closed_form_unless_a_folder_supplies_one()
    {
        var task = new GaussianMixture();
        Assert.Equal(ReferenceOrigin.ClosedForm, task.FindReference(1)!.Origin);
        var samples = task.ReferencePosterior(1);
        Assert.Equal(10_000, samples.GetLength(0));
        Assert.Equal(samples.AsSpan().ToArray(), task.ReferencePosterior(1).AsSpan().ToArray()); // fixed seed
        // Truncating to the box keeps each component's mass inside it, so the wide component's weight
        // drops near an edge: w_c ∝ ½·m_c with m_c = Π_j [Φ((10 − x_j)/σ_c) − Φ((−10 − x_j)/σ_c)].
        // Within 0.3 of x_o lie 1 − e^{−0.045} of the wide and 1 − e^{−4.5} of the narrow component
        // (circles that far inside the box are not cut). n = 10,000: SE ≤ 0.005; 5 SE bound.
        var x = task.Observation(1);
        double Mass(double std) => (Stats.NormalCdf((10 - x[0]) / std) - Stats.NormalCdf((-10 - x[0]) / std))
                                 * (Stats.NormalCdf((10 - x[1]) / std) - Stats.NormalCdf((-10 - x[1]) / std));
        double wide = Mass(1) / (Mass(1) + Mass(0.1));
        double expected = wide * (1 - Math.Exp(-0.045)) + (1 - wide) * (1 - Math.Exp(-4.5));
        double near = Enumerable.Range(0, 10_000).Count(i => Math.Sqrt(Math.Pow(samples[i, 0] - x[0], 2) + Math.Pow(samples[i, 1] - x[1], 2)) < 0.3) / 10_000.0;
        Assert.InRange(near, expected - 0.025, expected + 0.025);

        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "gaussian_mixture", "num_observation_1");
        Directory.CreateDirectory(path);
        Gatsbi.Storage.CsvMatrix.Write(Path.Combine(path, BenchmarkTask.ReferenceFileName + ".gz"), new float[,] { { 1, 2 }, { 3, 4 } }, "parameter");
        var fromFolder = TaskRegistry.Get("gaussian_mixture", folder.Path);
        Assert.Equal(ReferenceOrigin.Folder, fromFolder.FindReference(1)!.Origin);
        Assert.Equal(new float[,] { { 1, 2 }, { 3, 4 } }, fromFolder.ReferencePosterior(1));
        Assert.Equal(ReferenceOrigin.ClosedForm, fromFolder.FindReference(2)!.Origin);
    }
}
