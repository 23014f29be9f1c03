using Gatsbi.Benchmarks;
using Gatsbi.Benchmarks.Tasks;
using Gatsbi.Randomness;
using Gatsbi.Simulation;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Benchmarks;

public sealed class LotkaVolterraTests
{
    private static readonly LotkaVolterra Task = new();

    /// <summary>z = (log x − log clamp(u, 1e−10, 1e4)) / 0.1 per coordinate, with the clamp and noise scale of sbibm/tasks/lotka_volterra/task.py.</summary>
    private static double[] StandardisedNoise(ReadOnlySpan<float> x, float[] u)
    {
        var z = new double[x.Length];
        for (int k = 0; k < x.Length; k++) z[k] = (Math.Log(x[k]) - Math.Log(Math.Clamp(u[k], 1e-10f, 1e4f))) / 0.1;
        return z;
    }

    [Fact]
    public void Task_shape_and_names()
    {
        Assert.Equal("lotka_volterra", Task.Name);
        Assert.Equal(4, Task.ParameterDimension);
        Assert.Equal(20, Task.DataDimension);
        Assert.Equal(new[] { "alpha", "beta", "gamma", "delta" }, Task.ParameterNames);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"data_{i}"), Task.DataNames);
        Assert.Equal(new[] { 100, 1_000, 10_000, 100_000, 1_000_000 }, Task.SimulationBudgets);
        Assert.Equal(new float[4], Task.Prior.Support!.Low);
        Assert.All(Task.Prior.Support!.High, h => Assert.Equal(float.PositiveInfinity, h));
        Assert.IsType<LotkaVolterra>(TaskRegistry.Get("lotka_volterra"));
        for (int k = 1; k <= 10; k++)
        {
            Assert.Equal(4, Task.TrueParameters(k).Length);
            Assert.Equal(20, Task.Observation(k).Length);
            Assert.Equal(ReferenceOrigin.Generated, Task.FindReference(k)!.Origin);
        }
    }

    [Fact]
    public void Prior_is_log_normal_with_the_specified_log_means_and_stds()
    {
        Stats.AssertLogNormal(Task.Prior, [-0.125, -3, -0.125, -3], [0.5, 0.5, 0.5, 0.5], 20_000, seed: 6);
    }

    [Fact]
    public void Noise_free_populations_at_observation_1_match_the_specification()
    {
        // Computed independently of this code at sbibm's stored θ_true, with a high-accuracy solver (SciPy's DOP853,
        // rtol ≤ 1e-10): prey, then predators.
        string[] prey = ["30", "1.226539", "0.286169", "0.741187", "2.858453", "11.718775", "37.443952", "0.439927", "0.34908", "1.110282"];
        string[] predators = ["1", "26.813695", "4.62617", "0.80014", "0.18145", "0.131024", "8.01889", "15.860786", "2.652752", "0.480262"];
        var u = LotkaVolterra.Populations(Task.TrueParameters(1));
        Assert.NotNull(u);
        // To the digits shown, give or take the ~1e-6 relative error by which any accurate solver may differ from
        // sbibm's (Julia's Tsit5 at tolerances 1e-8); float32 rounding of our value (6e-8 relative) fits inside that.
        for (int k = 0; k < 10; k++)
        {
            SpecNumbers.AssertMatches(prey[k], u[k], 1e-6, $"prey at t = {2.1 * k:F1}");
            SpecNumbers.AssertMatches(predators[k], u[10 + k], 1e-6, $"predators at t = {2.1 * k:F1}");
        }
    }

    /// <summary>
    /// Σz² (χ²₂₀ under the simulator) of the stored observations at their true parameters, computed independently of this
    /// code; observation 8 (40.2, p ≈ 0.005) is a genuine tail draw.
    /// </summary>
    public static TheoryData<int, string> SumsOfSquares => new()
    {
        { 1, "9.1" }, { 2, "21.7" }, { 3, "29.1" }, { 4, "13.9" }, { 5, "23.5" },
        { 6, "19.1" }, { 7, "29.6" }, { 8, "40.2" }, { 9, "23.1" }, { 10, "13.4" },
    };

    [Theory]
    [MemberData(nameof(SumsOfSquares))]
    public void Observation_noise_sum_of_squares_matches_the_specification(int number, string specified)
    {
        var u = LotkaVolterra.Populations(Task.TrueParameters(number));
        Assert.NotNull(u);
        double sum = StandardisedNoise(Task.Observation(number), u).Sum(z => z * z);
        // Deterministic, so it must round to the quoted digit.
        SpecNumbers.AssertMatches(specified, sum, 0, $"observation {number}: Σz²");
    }

    [Fact]
    public void Simulated_noise_at_the_true_parameters_is_standard_normal()
    {
        const int n = 2_000;
        var theta = Task.TrueParameters(1);
        var u = LotkaVolterra.Populations(theta)!;
        var x = new SimulationRunner { MaxThreads = 2 }.Simulate(Task.Simulator, Matrices.Repeat(theta, n), seed: 31);
        var z = new double[n, 20];
        for (int i = 0; i < n; i++)
        {
            var row = StandardisedNoise(x.Row(i), u);
            for (int k = 0; k < 20; k++) z[i, k] = row[k];
        }
        var all = z.Cast<double>().ToArray();
        // 40,000 values: SE(mean) = 0.005, SE(std) ≈ 1/√(2·40,000) ≈ 0.0035; 5 SE bounds.
        Assert.InRange(Stats.Mean(all), -0.025, 0.025);
        Assert.InRange(Stats.Std(all), 1 - 0.018, 1 + 0.018);
        // Each coordinate on its own (SE 1/√2000 ≈ 0.022), which a shifted or misordered column would fail.
        for (int k = 0; k < 20; k++)
            Assert.InRange(Enumerable.Range(0, n).Average(i => z[i, k]), -0.11, 0.11);
    }

    [Fact]
    public void Failed_solves_give_all_NaN_rows_and_draw_no_noise()
    {
        var good = Task.TrueParameters(1);
        // NaN rates cannot be integrated; a negative β makes both species feed each other: u′ ≈ 0.1uv, v′ ≈ 0.1uv
        // blows up in finite time.
        float[][] bad = [[float.NaN, 0.1f, 0.9f, 0.1f], [1f, -0.1f, 1f, 0.1f]];
        foreach (var row in bad)
        {
            Assert.Null(LotkaVolterra.Populations(row));
            var x = new float[2, 20];
            Task.Simulator.Simulate(Matrices.FromRows([row, good], 4), x, new Rng(3));
            Assert.All(x.Row(0).ToArray(), v => Assert.True(float.IsNaN(v)));
            var alone = new float[1, 20];
            Task.Simulator.Simulate(Matrices.FromRows([good], 4), alone, new Rng(3));
            Assert.Equal(alone.Row(0).ToArray(), x.Row(1).ToArray());
        }
    }
}
