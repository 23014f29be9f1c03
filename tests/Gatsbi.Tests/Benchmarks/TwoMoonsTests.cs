using Gatsbi.Benchmarks;
using Gatsbi.Benchmarks.Tasks;
using Gatsbi.Simulation;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Benchmarks;

public sealed class TwoMoonsTests
{
    private static readonly TwoMoons Task = new();

    /// <summary>
    /// Inverts sbibm's two-moons simulator (sbibm/tasks/two_moons/task.py): u = x₁ + |θ₁+θ₂|/√2 − 0.25,
    /// v = x₂ − (θ₂−θ₁)/√2, ρ = √(u² + v²), so that (u, v) = (r cos a, r sin a).
    /// </summary>
    private static (double U, double Rho) Invert(ReadOnlySpan<float> x, ReadOnlySpan<float> theta)
    {
        double u = x[0] + Math.Abs((double)theta[0] + theta[1]) / Math.Sqrt(2) - 0.25;
        double v = x[1] - ((double)theta[1] - theta[0]) / Math.Sqrt(2);
        return (u, Math.Sqrt(u * u + v * v));
    }

    /// <summary>The stored (u, ρ) of observations 1..10, computed independently of this code from sbibm's stored files (four decimals).</summary>
    public static TheoryData<int, double, double> StoredValues => new()
    {
        { 1, 0.0956, 0.0960 }, { 2, 0.0061, 0.0833 }, { 3, 0.0418, 0.1066 }, { 4, 0.0586, 0.0821 },
        { 5, 0.0950, 0.0990 }, { 6, 0.0702, 0.0956 }, { 7, 0.0934, 0.0947 }, { 8, 0.1001, 0.1001 },
        { 9, 0.0588, 0.0956 }, { 10, 0.0853, 0.0973 },
    };

    [Theory]
    [MemberData(nameof(StoredValues))]
    public void Observation_and_true_parameters_give_the_specified_u_and_rho(int number, double u, double rho)
    {
        var (computedU, computedRho) = Invert(Task.Observation(number), Task.TrueParameters(number));
        // The values are given to 4 decimals; agreement to 3 decimals means |Δ| ≤ 5e-4.
        Assert.InRange(computedU, u - 5e-4, u + 5e-4);
        Assert.InRange(computedRho, rho - 5e-4, rho + 5e-4);
    }

    [Fact]
    public void Task_shape_and_names()
    {
        Assert.Equal("two_moons", Task.Name);
        Assert.Equal(2, Task.ParameterDimension);
        Assert.Equal(2, Task.DataDimension);
        Assert.Equal(new[] { "data_1", "data_2" }, Task.DataNames);
        Assert.Equal(new[] { "parameter_1", "parameter_2" }, Task.ParameterNames);
        Assert.Equal(new[] { -1f, -1f }, Task.Prior.Support!.Low);
        Assert.Equal(new[] { 1f, 1f }, Task.Prior.Support!.High);
        Assert.Same(Task.GetType(), TaskRegistry.Get("TWO_MOONS").GetType());
        Assert.Throws<ArgumentException>(() => TaskRegistry.Get("no_such_task"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void Observation_numbers_outside_1_to_10_are_rejected(int number)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Task.Observation(number));
    }

    [Fact]
    public void Simulated_radius_at_the_true_parameters_is_normal_with_mean_0_1_and_std_0_01()
    {
        const int n = 100_000;
        var theta = Task.TrueParameters(1);
        var x = new SimulationRunner { MaxThreads = 2 }.Simulate(Task.Simulator, Matrices.Repeat(theta, n), seed: 2024);
        var rho = new double[n];
        for (int i = 0; i < n; i++)
        {
            var (u, r) = Invert(x.Row(i), theta);
            // u = r·cos a with a ∈ [−π/2, π/2); float32 rounding of x (|x| < 1) is below 1e-6.
            Assert.True(u >= -1e-6, $"row {i}: u = {u}");
            rho[i] = r;
        }
        // r ~ N(0.1, 0.01²): SE(mean) = 0.01/√n ≈ 3.2e-5, SE(std) ≈ 0.01/√(2n) ≈ 2.2e-5; 5 SE bounds.
        Assert.InRange(Stats.Mean(rho), 0.1 - 1.6e-4, 0.1 + 1.6e-4);
        Assert.InRange(Stats.Std(rho), 0.01 - 1.1e-4, 0.01 + 1.1e-4);
        // The angle a = atan2(v, u) is uniform on (−π/2, π/2): mean 0, SE = (π/√12)/√n ≈ 0.0029.
        var angles = Enumerable.Range(0, n).Select(i =>
        {
            var (u, _) = Invert(x.Row(i), theta);
            double v = x[i, 1] - ((double)theta[1] - theta[0]) / Math.Sqrt(2);
            return Math.Atan2(v, u);
        }).ToArray();
        Assert.InRange(Stats.Mean(angles), -5 * 0.0029, 5 * 0.0029);
        // Its variance is π²/12 ≈ 0.822 with SE √((π⁴/80 − π⁴/144)/n) ≈ 0.0023; 5 SE bound.
        Assert.InRange(Stats.Variance(angles), Math.PI * Math.PI / 12 - 0.0117, Math.PI * Math.PI / 12 + 0.0117);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    public void Reference_posteriors_load_with_10000_rows_inside_the_prior(int number)
    {
        var samples = Task.ReferencePosterior(number);
        Assert.Equal(10_000, samples.GetLength(0));
        Assert.Equal(2, samples.GetLength(1));
        Assert.All(samples.AsSpan().ToArray(), v => Assert.InRange(v, -1f, 1f));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Reference_samples_mapped_back_give_the_radius_distribution(int number)
    {
        var x = Task.Observation(number);
        var samples = Task.ReferencePosterior(number);
        var rho = new double[samples.GetLength(0)];
        for (int i = 0; i < rho.Length; i++)
        {
            var (u, r) = Invert(x, samples.Row(i));
            // u = r cos a ≥ 0, since a ∈ (−π/2, π/2) in sbibm's simulator (allowing float32 rounding of the stored samples, < 1e-6).
            Assert.True(u >= -1e-6, $"sample {i}: u = {u}");
            rho[i] = r;
        }
        // ρ is the radius r ~ N(0.1, 0.01²) the references were drawn with (sbibm inverts its simulator): mean 0.100
        // and std 0.010, compared to 3 decimals (|Δ| ≤ 5e-4).
        Assert.InRange(Stats.Mean(rho), 0.0995, 0.1005);
        Assert.InRange(Stats.Std(rho), 0.0095, 0.0105);
    }
}
