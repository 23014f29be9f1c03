using Gatsbi.Benchmarks.ShallowWater;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Tests.ShallowWater;

public sealed class FoldedSpectrumTests
{
    /// <summary>Without noise both copies of a coefficient agree (the spectrum of a real field is Hermitian), so folding returns rows k = 1..50 unchanged.</summary>
    [Fact]
    public void Folding_a_noiseless_spectrum_keeps_its_first_fifty_rows()
    {
        var theta = DepthPrior.Create().Sample(1, new Rng(3)).Row(0).ToArray();
        var full = new ShallowWaterSimulator().Noiseless(theta);
        var folded = new float[FoldedSpectrumSimulator.ChannelSize * 2];
        FoldedSpectrumSimulator.Fold(full, folded);
        double largest = 0;
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < FoldedSpectrumSimulator.ChannelSize; i++)
            {
                float expected = full[c * ShallowWaterSimulator.ChannelSize + i];
                largest = Math.Max(largest, Math.Abs(expected));
                // float32 averaging of two float32 copies of one float64 value.
                Assert.True(Math.Abs(folded[c * FoldedSpectrumSimulator.ChannelSize + i] - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)),
                    $"channel {c}, index {i}: {folded[c * FoldedSpectrumSimulator.ChannelSize + i]} vs {expected}");
            }
        Assert.True(largest > 0.1, "the test spectrum is trivially small");
    }

    /// <summary>Averaging two independent copies halves the noise variance: std 0.25/√2 ≈ 0.177.</summary>
    [Fact]
    public void Folded_noise_has_half_the_variance()
    {
        var theta = DepthPrior.Create().Sample(4, new Rng(4));
        var simulator = new FoldedSpectrumSimulator();
        var noisy = new float[4, simulator.DataDimension];
        simulator.Simulate(theta, noisy, new Rng(5));
        double sum = 0, squares = 0;
        int n = 0;
        for (int i = 0; i < 4; i++)
        {
            var clean = new float[simulator.DataDimension];
            FoldedSpectrumSimulator.Fold(simulator.Full.Noiseless(theta.Row(i)), clean);
            for (int k = 0; k < clean.Length; k++)
            {
                double e = noisy[i, k] - clean[k];
                sum += e;
                squares += e * e;
                n++;
            }
        }
        double std = Math.Sqrt(squares / n - (sum / n) * (sum / n));
        // 40,000 residuals: the standard error of the std is 0.177/√80,000 ≈ 6e-4; 5e-3 is 8 of them.
        Assert.InRange(std, 0.25 / Math.Sqrt(2) - 5e-3, 0.25 / Math.Sqrt(2) + 5e-3);
    }

    [Fact]
    public void Layout_pairs_row_k_with_row_101_minus_k_and_mirrored_column()
    {
        var full = new float[ShallowWaterSimulator.ChannelSize * 2];
        // Row k = 3 (index 2), l = 7, and its partner k = 98 (index 97), l = 93.
        full[2 * 100 + 7] = 1f;
        full[97 * 100 + 93] = 3f;
        full[10_000 + 2 * 100 + 7] = 4f;
        full[10_000 + 97 * 100 + 93] = 2f;
        var folded = FoldedSpectrumSimulator.Folded(full);
        Assert.Equal(2f, folded[2 * 100 + 7]);        // (1 + 3) / 2
        Assert.Equal(1f, folded[5_000 + 2 * 100 + 7]); // (4 − 2) / 2
        Assert.Equal(2, folded.Count(v => v != 0));
        Assert.Same(folded, FoldedSpectrumSimulator.Folded(folded));
        Assert.Throws<ArgumentException>(() => FoldedSpectrumSimulator.Folded(new float[123]));
    }

    [Fact]
    public void Folded_simulation_is_independent_of_thread_count()
    {
        var prior = DepthPrior.Create();
        var simulator = new FoldedSpectrumSimulator();
        var one = new SimulationRunner { MaxThreads = 1, ChunkSize = 4 }.Run(prior, simulator, 12, 9);
        var two = new SimulationRunner { MaxThreads = 2, ChunkSize = 4 }.Run(prior, simulator, 12, 9);
        Assert.Equal(one.X, two.X);
        Assert.Equal(10_000, simulator.DataDimension);
    }
}
