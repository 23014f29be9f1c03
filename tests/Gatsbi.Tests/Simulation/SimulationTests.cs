using Gatsbi.Distributions;
using Gatsbi.Randomness;
using Gatsbi.Simulation;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Simulation;

/// <summary>x = θ·scale + N(0, 1) noise per coordinate (θ and x of dimension 2); NaN where θ₁ &gt; nanAbove.</summary>
internal sealed class NoisyScaleSimulator(float nanAbove = float.PositiveInfinity, bool infinity = false) : ISimulator
{
    public int ParameterDimension => 2;
    public int DataDimension => 2;

    public void Simulate(float[,] theta, float[,] x, Rng rng)
    {
        for (int i = 0; i < theta.GetLength(0); i++)
        {
            x[i, 0] = (float)(3 * theta[i, 0] + rng.Normal());
            x[i, 1] = (float)(3 * theta[i, 1] + rng.Normal());
            if (theta[i, 0] > nanAbove) x[i, 1] = infinity ? float.PositiveInfinity : float.NaN;
        }
    }
}

public sealed class SimulationRunnerTests
{
    private static readonly BoxUniform Prior = new(2, -1f, 1f);

    [Fact]
    public void The_result_does_not_depend_on_the_thread_count()
    {
        var one = new SimulationRunner { MaxThreads = 1, ChunkSize = 16 }.Run(Prior, new NoisyScaleSimulator(), 1000, seed: 11);
        var two = new SimulationRunner { MaxThreads = 2, ChunkSize = 16 }.Run(Prior, new NoisyScaleSimulator(), 1000, seed: 11);
        var many = new SimulationRunner { MaxThreads = 8, ChunkSize = 16 }.Run(Prior, new NoisyScaleSimulator(), 1000, seed: 11);
        Assert.Equal(one.Theta, two.Theta);
        Assert.Equal(one.X, two.X);
        Assert.Equal(one.X, many.X);
    }

    [Fact]
    public void Another_seed_gives_other_parameters_and_data()
    {
        var runner = new SimulationRunner { MaxThreads = 2, ChunkSize = 16 };
        var a = runner.Run(Prior, new NoisyScaleSimulator(), 200, seed: 11);
        var b = runner.Run(Prior, new NoisyScaleSimulator(), 200, seed: 12);
        Assert.NotEqual(a.Theta, b.Theta);
        // Same θ, other seed: only the noise changes.
        var x1 = runner.Simulate(new NoisyScaleSimulator(), a.Theta, seed: 1);
        var x2 = runner.Simulate(new NoisyScaleSimulator(), a.Theta, seed: 2);
        Assert.NotEqual(x1, x2);
    }

    [Fact]
    public void Chunks_get_different_noise()
    {
        // Identical θ in every row: if all chunks shared one seed, rows i and i + ChunkSize would be equal.
        var theta = Gatsbi.Matrices.Repeat([0.5f, -0.5f], 64);
        var x = new SimulationRunner { ChunkSize = 16, MaxThreads = 2 }.Simulate(new NoisyScaleSimulator(), theta, seed: 3);
        for (int i = 0; i < 48; i++)
            Assert.NotEqual(x[i, 0], x[i + 16, 0]);
    }

    [Fact]
    public void The_data_is_the_simulator_applied_to_the_drawn_parameters()
    {
        var set = new SimulationRunner { ChunkSize = 32 }.Run(Prior, new NoisyScaleSimulator(), 4000, seed: 5);
        Assert.Equal(4000, set.Count);
        var residuals = Enumerable.Range(0, set.Count).Select(i => (double)set.X[i, 0] - 3 * set.Theta[i, 0]).ToArray();
        // The residual is the N(0, 1) noise: SE(mean) = 1/√4000 ≈ 0.016, SE(var) = √(2/4000) ≈ 0.022; 5 SE bounds.
        Assert.InRange(Stats.Mean(residuals), -0.08, 0.08);
        Assert.InRange(Stats.Variance(residuals), 1 - 0.11, 1 + 0.11);
    }

    [Fact]
    public void A_sample_only_prior_works()
    {
        var rows = new float[,] { { 0.1f, 0.2f }, { -0.3f, 0.4f }, { 0.5f, -0.6f } };
        var prior = new EmpiricalPrior(rows);
        var simulator = new PerSampleSimulator(2, 1, (theta, x, _) => x[0] = theta[0] + theta[1]);
        var set = new SimulationRunner { ChunkSize = 8 }.Run(prior, simulator, 100, seed: 1);
        var allowed = new[] { (0.1f, 0.2f), (-0.3f, 0.4f), (0.5f, -0.6f) };
        for (int i = 0; i < set.Count; i++)
        {
            Assert.Contains((set.Theta[i, 0], set.Theta[i, 1]), allowed);
            Assert.Equal(set.Theta[i, 0] + set.Theta[i, 1], set.X[i, 0]);
        }
    }

    [Fact]
    public void Dimension_mismatches_are_reported()
    {
        var simulator = new PerSampleSimulator(3, 1, (_, x, _) => x[0] = 0);
        var e = Assert.Throws<ArgumentException>(() => new SimulationRunner().Run(Prior, simulator, 10, 1));
        Assert.Contains("dimension 2", e.Message);
        Assert.Contains("3 parameters", e.Message);
        Assert.Throws<ArgumentException>(() => new SimulationRunner().Simulate(simulator, new float[4, 2], 1));
    }

    [Fact]
    public void A_cancelled_run_throws_instead_of_returning_partial_data()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            new SimulationRunner().Run(Prior, new NoisyScaleSimulator(), 2_000, seed: 1, cancellation: cancelled.Token));
    }

    [Fact]
    public void Progress_reaches_the_total()
    {
        var reports = new List<WorkProgress>();
        var progress = SynchronousProgress<WorkProgress>.Into(reports);
        new SimulationRunner { ChunkSize = 10 }.Run(Prior, new NoisyScaleSimulator(), 95, 1, progress);
        Assert.Contains(reports, p => p.Done == 95 && p.Total == 95);
        Assert.All(reports, p => Assert.InRange(p.Done, 0, 95));
    }
}

public sealed class PerSampleSimulatorTests
{
    [Fact]
    public void Calls_the_function_once_per_row_in_order_with_the_shared_rng()
    {
        var calls = new List<float>();
        var simulator = new PerSampleSimulator(1, 2, (theta, x, rng) =>
        {
            calls.Add(theta[0]);
            x[0] = theta[0] * 2;
            x[1] = (float)rng.NextDouble();
        });
        var theta = new float[,] { { 1f }, { 2f }, { 3f } };
        var x = new float[3, 2];
        simulator.Simulate(theta, x, new Rng(6));
        Assert.Equal(new[] { 1f, 2f, 3f }, calls);
        Assert.Equal(new[] { 2f, 4f, 6f }, Enumerable.Range(0, 3).Select(i => x[i, 0]));
        var rng = new Rng(6);
        Assert.Equal(Enumerable.Range(0, 3).Select(_ => (float)rng.NextDouble()), Enumerable.Range(0, 3).Select(i => x[i, 1]));
        Assert.Equal(1, simulator.ParameterDimension);
        Assert.Equal(2, simulator.DataDimension);
    }
}

public sealed class SimulationSetTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DropNonFinite_drops_and_counts_failed_rows(bool infinity)
    {
        var prior = new BoxUniform(2, -1f, 1f);
        var set = new SimulationRunner { ChunkSize = 50 }.Run(prior, new NoisyScaleSimulator(nanAbove: 0.5f, infinity), 1000, seed: 21);
        int failing = Enumerable.Range(0, set.Count).Count(i => set.Theta[i, 0] > 0.5f);
        Assert.InRange(failing, 150, 350); // P(θ₁ > 0.5) = 1/4: the simulator really failed on some rows.

        var (kept, dropped) = set.DropNonFinite();

        Assert.Equal(failing, dropped);
        Assert.Equal(set.Count - failing, kept.Count);
        var expectedRows = Enumerable.Range(0, set.Count).Where(i => set.Theta[i, 0] <= 0.5f).ToArray();
        for (int k = 0; k < kept.Count; k++)
        {
            Assert.Equal(set.Theta.Row(expectedRows[k]).ToArray(), kept.Theta.Row(k).ToArray());
            Assert.Equal(set.X.Row(expectedRows[k]).ToArray(), kept.X.Row(k).ToArray());
        }
    }

    [Fact]
    public void DropNonFinite_also_checks_theta_and_keeps_a_clean_set_as_is()
    {
        var theta = new float[,] { { 1f }, { float.NaN }, { 3f } };
        var x = new float[,] { { 1f }, { 2f }, { 3f } };
        var (kept, dropped) = new SimulationSet(theta, x).DropNonFinite();
        Assert.Equal(1, dropped);
        Assert.Equal(new float[,] { { 1f }, { 3f } }, kept.Theta);

        var clean = new SimulationSet(new float[,] { { 1f } }, new float[,] { { 2f } });
        Assert.Equal((clean, 0), clean.DropNonFinite());
    }

    [Fact]
    public void SplitHoldOut_takes_the_last_rows()
    {
        var theta = new float[10, 1];
        var x = new float[10, 2];
        for (int i = 0; i < 10; i++)
        {
            theta[i, 0] = i;
            x[i, 0] = 100 + i;
            x[i, 1] = -i;
        }
        var (train, holdOut) = new SimulationSet(theta, x).SplitHoldOut(3);
        Assert.Equal(7, train.Count);
        Assert.Equal(3, holdOut.Count);
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5, 6 }, Enumerable.Range(0, 7).Select(i => train.Theta[i, 0]));
        Assert.Equal(new float[] { 7, 8, 9 }, Enumerable.Range(0, 3).Select(i => holdOut.Theta[i, 0]));
        Assert.Equal(new float[] { 107, 108, 109 }, Enumerable.Range(0, 3).Select(i => holdOut.X[i, 0]));
        Assert.Equal(new float[] { -7, -8, -9 }, Enumerable.Range(0, 3).Select(i => holdOut.X[i, 1]));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(10)]
    [InlineData(11)]
    public void SplitHoldOut_rejects_impossible_sizes(int holdOut)
    {
        var set = new SimulationSet(new float[10, 1], new float[10, 1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => set.SplitHoldOut(holdOut));
    }

    [Fact]
    public void Mismatched_rows_are_an_error_naming_both_counts()
    {
        var e = Assert.Throws<ArgumentException>(() => new SimulationSet(new float[5, 2], new float[4, 3]));
        Assert.Contains("5 rows", e.Message);
        Assert.Contains("4", e.Message);
    }
}
