using Gatsbi.Distributions;
using Gatsbi.Inference.Abc;
using Gatsbi.Randomness;
using Gatsbi.Simulation;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Abc;

public sealed class RejectionAbcTests
{
    private static AbcResult RunToy(int budget = 1000, ulong seed = 1, RejectionAbcOptions? options = null, SimulationRunner? runner = null) =>
        new RejectionAbc(options, runner).Run(AbcToy.Prior, AbcToy.Simulator, AbcToy.Observation, budget, seed);

    [Fact]
    public void Keeps_the_100_closest_in_order_of_distance_and_uses_exactly_the_budget()
    {
        var simulator = new CountingSimulator(AbcToy.Simulator);
        var result = new RejectionAbc().Run(AbcToy.Prior, simulator, AbcToy.Observation, 1000, seed: 1);

        Assert.Equal(1000, simulator.Rows);
        Assert.Equal(1000, result.SimulationsUsed);
        Assert.Equal(100, result.Particles.GetLength(0));
        Assert.Equal(100, result.Distances.Length);
        Assert.Equal(result.Distances.Order(), result.Distances);
        Assert.All(result.Weights, w => Assert.Equal(0.01, w));
        Assert.Equal(1, result.Populations);
        Assert.Equal([result.Distances[^1]], result.Epsilons);
        Assert.Equal(0, result.CarriedOver);

        // The kept θ are the bank's 100 closest: same streams as SimulationRunner.Run with the seed.
        var bank = new SimulationRunner().Run(AbcToy.Prior, AbcToy.Simulator, 1000, seed: 1);
        var all = AbcDistance.L2.ToObservation(bank.X, AbcToy.Observation);
        var closest = Enumerable.Range(0, 1000).OrderBy(i => all[i]).Take(100).ToArray();
        Assert.Equal(closest.Select(i => all[i]), result.Distances);
        Assert.Equal(bank.Theta.SelectRows(closest), result.Particles);
    }

    /// <summary>Acceptance check 3: the bandwidth lies in the first grid [0.1 s, 0.5 s] unless the index-0 zoom left it.</summary>
    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void Kde_bandwidth_lies_in_the_initial_range_unless_zoomed_out(ulong seed)
    {
        var kde = RunToy(seed: seed).Posterior.Kde!;
        var search = kde.BandwidthSearch!;
        Assert.Equal(100, kde.Count);
        if (search.Grids[0].BestIndex != 0)
            Assert.InRange(kde.Bandwidth, 0.1 * search.PooledStd, 0.5 * search.PooledStd);
        else
            Assert.InRange(kde.Bandwidth, 0, 0.1 * search.PooledStd);
    }

    [Fact]
    public void Running_on_a_bank_gives_the_same_result_as_simulating_with_the_same_seed()
    {
        var bank = new SimulationRunner().Run(AbcToy.Prior, AbcToy.Simulator, 1000, seed: 5);
        var fromBank = new RejectionAbc().Run(bank, AbcToy.Observation);
        var simulated = RunToy(seed: 5);
        Assert.Equal(simulated.Particles, fromBank.Particles);
        Assert.Equal(simulated.Distances, fromBank.Distances);
        Assert.Equal(simulated.Posterior.Kde!.Bandwidth, fromBank.Posterior.Kde!.Bandwidth);
        Assert.Equal(1000, fromBank.SimulationsUsed);
    }

    /// <summary>
    /// x = θ + N(0, 0.5²) with a wide box prior: the 100 closest of 1000 prior draws lie within about 3.6 of x_o,
    /// so each coordinate of the kept θ spreads by about 2 around x_o and their mean has a standard error of
    /// about 0.2. The KDE's samples share that mean; the bound is 4 standard errors.
    /// </summary>
    [Fact]
    public void Kde_samples_centre_on_the_observation_of_a_gaussian_toy()
    {
        var result = RunToy(seed: 2);
        var samples = result.Posterior.Sample(AbcToy.Observation, 10_000, seed: 3).Samples;
        var means = AbcToy.ColumnMeans(samples);
        for (int j = 0; j < AbcToy.Dimension; j++) Assert.InRange(means[j], AbcToy.Observation[j] - 0.8, AbcToy.Observation[j] + 0.8);
    }

    [Fact]
    public void Posterior_is_deterministic_draws_untruncated_counts_and_refuses_other_observations()
    {
        var posterior = RunToy().Posterior;
        var a = posterior.Sample(AbcToy.Observation, 500, seed: 9);
        Assert.Equal(a.Samples, posterior.Sample(AbcToy.Observation, 500, seed: 9).Samples);
        Assert.NotEqual(a.Samples, posterior.Sample(AbcToy.Observation, 500, seed: 10).Samples);
        Assert.Equal((500, 500, 0L, 500L), (a.Count, a.Requested, a.Rejected, a.Drawn));
        Assert.Equal(AbcToy.Observation, posterior.Observation);
        Assert.Equal((2, 2), (posterior.ParameterDimension, posterior.DataDimension));

        var error = Assert.Throws<ArgumentException>(() => posterior.Sample([1.5f, -2.5f], 10, seed: 1));
        Assert.Contains("not amortised", error.Message);
        Assert.Contains("x_o = (1.5, -2)", error.Message);
        Assert.Throws<ArgumentException>(() => posterior.Sample([1.5f], 10, seed: 1));

        float[] theta = [1, -1];
        Assert.Equal(posterior.Kde!.LogDensity([1.0, -1.0]), posterior.LogDensity(theta));
    }

    [Fact]
    public void Without_the_kde_the_posterior_resamples_the_kept_particles()
    {
        var result = RunToy(options: new RejectionAbcOptions { SampleKde = false, KeepCount = 10 });
        Assert.Null(result.Posterior.Kde);
        var kept = Enumerable.Range(0, 10).Select(i => (result.Particles[i, 0], result.Particles[i, 1])).ToHashSet();
        var samples = result.Posterior.Sample(AbcToy.Observation, 1000, seed: 4).Samples;
        Assert.All(Enumerable.Range(0, 1000), i => Assert.Contains((samples[i, 0], samples[i, 1]), kept));
        Assert.Contains("without a KDE", Assert.Throws<InvalidOperationException>(() => result.Posterior.LogDensity([0f, 0f])).Message);
    }

    [Fact]
    public void Failed_simulations_are_never_kept_and_too_many_failures_are_an_error()
    {
        // NaN x for θ₀ > 0; the observation sits at θ₀ ≈ 1.5, so failures would otherwise be among the closest.
        var failing = new PerSampleSimulator(2, 2, (theta, x, rng) =>
        {
            for (int j = 0; j < 2; j++) x[j] = theta[0] > 0 ? float.NaN : (float)(theta[j] + 0.5 * rng.Normal());
        });
        var result = new RejectionAbc().Run(AbcToy.Prior, failing, AbcToy.Observation, 1000, seed: 1);
        Assert.All(Enumerable.Range(0, 100), i => Assert.True(result.Particles[i, 0] <= 0));
        Assert.All(result.Distances, d => Assert.True(double.IsFinite(d)));

        var alwaysFailing = new PerSampleSimulator(2, 2, (_, x, _) => x.Fill(float.NaN));
        var error = Assert.Throws<InvalidOperationException>(() => new RejectionAbc().Run(AbcToy.Prior, alwaysFailing, AbcToy.Observation, 1000, seed: 1));
        Assert.Contains("Only 0 of 1000 simulations gave finite data", error.Message);
    }

    [Fact]
    public void Same_seed_gives_the_same_result_whatever_the_thread_count()
    {
        var a = RunToy(seed: 7);
        var b = RunToy(seed: 7, runner: new SimulationRunner { MaxThreads = 1 });
        Assert.Equal(a.Particles, b.Particles);
        Assert.Equal(a.Distances, b.Distances);
        Assert.Equal(a.Posterior.Kde!.Bandwidth, b.Posterior.Kde!.Bandwidth);
        Assert.NotEqual(a.Particles, RunToy(seed: 8).Particles);
    }

    [Fact]
    public void Problems_with_the_inputs_are_named()
    {
        var abc = new RejectionAbc();
        Assert.Contains("observation has 3 values but the simulator outputs 2",
            Assert.Throws<ArgumentException>(() => abc.Run(AbcToy.Prior, AbcToy.Simulator, [1, 2, 3], 1000, 1)).Message);
        Assert.Contains("Observation value 2 is NaN",
            Assert.Throws<ArgumentException>(() => abc.Run(AbcToy.Prior, AbcToy.Simulator, [1, float.NaN], 1000, 1)).Message);
        Assert.Contains("budget of 99 simulations is smaller than the 100",
            Assert.Throws<ArgumentException>(() => abc.Run(AbcToy.Prior, AbcToy.Simulator, AbcToy.Observation, 99, 1)).Message);
        Assert.Contains("prior has dimension 3 but the simulator takes 2",
            Assert.Throws<ArgumentException>(() => abc.Run(new BoxUniform(3, -1, 1), AbcToy.Simulator, AbcToy.Observation, 1000, 1)).Message);
        Assert.Contains("bank's x have 2",
            Assert.Throws<ArgumentException>(() => abc.Run(new SimulationSet(new float[200, 2], new float[200, 2]), [1f])).Message);
        Assert.Contains("at least 20",
            Assert.Throws<ArgumentException>(() => new RejectionAbc(new RejectionAbcOptions { KeepCount = 19 })).Message);
    }

    [Fact]
    public void Progress_reaches_the_budget_and_cancellation_stops_the_run()
    {
        var reports = new List<WorkProgress>();
        new RejectionAbc().Run(AbcToy.Prior, AbcToy.Simulator, AbcToy.Observation, 1000, 1, SynchronousProgress<WorkProgress>.Into(reports));
        Assert.Equal(new WorkProgress(1000, 1000, "rejection ABC: simulating"), reports.MaxBy(r => r.Done));

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            new RejectionAbc().Run(AbcToy.Prior, AbcToy.Simulator, AbcToy.Observation, 1000, 1, cancellation: cancelled.Token));
    }
}
