using Gatsbi.Benchmarks.ShallowWater;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Tests.ShallowWater;

public sealed class ShallowWaterSimulatorTests
{
    private static float[,] PriorDraws(int count, ulong seed) => DepthPrior.Create().Sample(count, new Rng(seed));

    [Fact]
    public void Simulator_dimensions_and_layout()
    {
        var simulator = new ShallowWaterSimulator();
        Assert.Equal(100, simulator.ParameterDimension);
        Assert.Equal(20_000, simulator.DataDimension);
        var theta = PriorDraws(1, 2).Row(0).ToArray();
        var x = simulator.Noiseless(theta);
        var (re, im) = simulator.FullSpectrum(theta);
        Assert.Equal(20_000, x.Length);
        // x[c, k − 1, l] = channel c of F[k, l], k = 1..100: row 0 (k = 0) is dropped.
        foreach (var (k, l) in new[] { (1, 0), (1, 99), (2, 3), (50, 50), (100, 0), (100, 99) })
        {
            Assert.Equal((float)re[k * 100 + l], x[(k - 1) * 100 + l]);
            Assert.Equal((float)im[k * 100 + l], x[10_000 + (k - 1) * 100 + l]);
        }
    }

    /// <summary>
    /// F[0, 0] = Σ Z, and every row of Z sums to the bump's 0.1 (mass conservation), so F[0, 0] ≈ 101 × 0.1 = 10.1.
    /// Tolerance: the mass drift 101 × 2e-4 plus 5 × the std of 10,100 rounding errors of ±5e-5 (2.9e-3), ≈ 0.035.
    /// </summary>
    [Fact]
    public void Zero_frequency_coefficient_is_101_times_the_bump_mass()
    {
        var simulator = new ShallowWaterSimulator();
        var draws = PriorDraws(2, 7);
        for (int i = 0; i < 2; i++)
        {
            var (re, im) = simulator.FullSpectrum(draws.Row(i));
            Assert.InRange(re[0], 10.1 - 0.035, 10.1 + 0.035);
            Assert.Equal(0, im[0], 1e-12);
        }
    }

    /// <summary>
    /// x − noiseless over 2 × 20,000 values must be N(0, 0.25²): the sample std has a standard error of
    /// 0.25/√80,000 ≈ 9e-4 and the mean 0.25/√40,000 = 1.25e-3; the tolerances are about 5 of those.
    /// </summary>
    [Fact]
    public void Noise_is_gaussian_with_std_a_quarter()
    {
        var simulator = new ShallowWaterSimulator();
        var theta = PriorDraws(2, 9);
        var x = new float[2, simulator.DataDimension];
        simulator.Simulate(theta, x, new Rng(31));
        double sum = 0, sumSquares = 0;
        int n = 0;
        for (int i = 0; i < 2; i++)
        {
            var clean = simulator.Noiseless(theta.Row(i));
            for (int j = 0; j < clean.Length; j++)
            {
                double e = x[i, j] - clean[j];
                sum += e;
                sumSquares += e * e;
                n++;
            }
        }
        double mean = sum / n;
        Assert.InRange(mean, -0.006, 0.006);
        Assert.InRange(Math.Sqrt(sumSquares / n - mean * mean), 0.245, 0.255);

        var noiseless = new float[2, simulator.DataDimension];
        new ShallowWaterSimulator(noiseStd: 0).Simulate(theta, noiseless, new Rng(31));
        Assert.Equal(simulator.Noiseless(theta.Row(0)), noiseless.Row(0).ToArray());
    }

    [Fact]
    public void Non_finite_theta_gives_a_NaN_row_and_leaves_other_rows_alone()
    {
        var simulator = new ShallowWaterSimulator(noiseStd: 0);
        var theta = PriorDraws(2, 19);
        theta[0, 40] = float.NaN;
        var x = new float[2, simulator.DataDimension];
        simulator.Simulate(theta, x, new Rng(1));
        Assert.All(x.Row(0).ToArray(), v => Assert.True(float.IsNaN(v)));
        Assert.Equal(simulator.Noiseless(theta.Row(1)), x.Row(1).ToArray());
    }

    /// <summary>Same seed, same x; and the runner's chunk seeding makes 1 and 2 threads give identical sets.</summary>
    [Fact]
    public void Simulation_is_deterministic_and_independent_of_thread_count()
    {
        var simulator = new ShallowWaterSimulator();
        var theta = PriorDraws(3, 13);
        var first = new float[3, simulator.DataDimension];
        var second = new float[3, simulator.DataDimension];
        simulator.Simulate(theta, first, new Rng(5));
        simulator.Simulate(theta, second, new Rng(5));
        Assert.Equal(first.AsSpan().ToArray(), second.AsSpan().ToArray());

        var prior = DepthPrior.Create();
        var one = new SimulationRunner { MaxThreads = 1, ChunkSize = 2 }.Run(prior, simulator, 6, 77);
        var two = new SimulationRunner { MaxThreads = 2, ChunkSize = 2 }.Run(prior, simulator, 6, 77);
        Assert.Equal(one.Theta.AsSpan().ToArray(), two.Theta.AsSpan().ToArray());
        Assert.Equal(one.X.AsSpan().ToArray(), two.X.AsSpan().ToArray());
        Assert.All(one.X.AsSpan().ToArray(), v => Assert.True(float.IsFinite(v)));
    }
}
