using Gatsbi.Distributions;
using Gatsbi.Inference;
using Gatsbi.Inference.Npe;
using Gatsbi.Nn.Flows;
using Gatsbi.Randomness;
using Gatsbi.Simulation;
using Gatsbi.Tests.Core;
using Xunit.Abstractions;

namespace Gatsbi.Tests.Inference;

[Collection(TorchCollection.Name)]
public sealed class NpeTests(ITestOutputHelper output) : TorchTest
{
    /// <summary>
    /// A known conditional density with curvature: x ~ U(−1, 1), θ₁ | x ~ N(x, 0.5²),
    /// θ₂ | θ₁ ~ N(θ₁² − 0.5, 0.3²). Its log-density is exact, so the flow's fit is measured as
    /// E[log p − log q] = KL(p ‖ q) averaged over x, estimated on fresh pairs.
    /// </summary>
    private static (SimulationSet Pairs, double[] TrueLogDensity) Banana(int count, ulong seed)
    {
        var rng = new Rng(seed);
        var theta = new float[count, 2];
        var x = new float[count, 1];
        var logp = new double[count];
        for (int i = 0; i < count; i++)
        {
            double xi = rng.Uniform(-1, 1), t1 = rng.Normal(xi, 0.5), t2 = rng.Normal(t1 * t1 - 0.5, 0.3);
            x[i, 0] = (float)xi;
            theta[i, 0] = (float)t1;
            theta[i, 1] = (float)t2;
            logp[i] = NormalLogDensity(t1, xi, 0.5) + NormalLogDensity(t2, t1 * t1 - 0.5, 0.3);
        }
        return (new SimulationSet(theta, x), logp);
    }

    private static double NormalLogDensity(double v, double mean, double std) =>
        -0.5 * Math.Pow((v - mean) / std, 2) - Math.Log(std) - 0.5 * Math.Log(2 * Math.PI);

    private static NpeOptions Small(FlowKind kind) => new()
    {
        Flow = new FlowSpec(kind, Transforms: 4, HiddenFeatures: 32),
        TrainingBatchSize = 128,
        LearningRate = 1e-3,
        MaxEpochs = 300,
    };

    /// <summary>
    /// Both flows fit the banana: the KL estimate on 2,000 fresh pairs is below 0.05 nats. A flow that
    /// ignored x would sit near 0.2 nats (the information x carries about θ₁ beyond its marginal), and a
    /// Gaussian fit to the curved θ₂ | θ₁ would be off by more; the standard error of the estimate is about 0.01.
    /// </summary>
    [Theory]
    [InlineData(FlowKind.Nsf)]
    [InlineData(FlowKind.Maf)]
    public void Fits_a_known_conditional_density(FlowKind kind)
    {
        var (train, _) = Banana(8_000, 1);
        var (test, trueLog) = Banana(2_000, 2);
        var result = new NpeTrainer(Small(kind)).Train(train, support: null, seed: 3);
        using var posterior = result.Posterior;
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var _ = TorchSharp.torch.no_grad();
        var q = posterior.Flow.LogProb(TorchSharp.torch.tensor(test.Theta), TorchSharp.torch.tensor(test.X)).to_type(TorchSharp.torch.ScalarType.Float64).data<double>().ToArray();
        double kl = trueLog.Zip(q, (p, l) => p - l).Average();
        output.WriteLine($"{kind}: {result.Epochs} epochs (best {result.BestEpoch}, {result.StopReason}), KL ≈ {kl:F4} nats, {result.Elapsed.TotalSeconds:F1} s");
        Assert.True(kl < 0.05, $"KL(p ‖ q) ≈ {kl:F4} nats");
        Assert.True(kl > -0.05, "a KL estimate far below zero would mean a density that does not normalise");
    }

    [Fact]
    public void Stops_after_the_patience_and_restores_the_best_epoch()
    {
        var (train, _) = Banana(600, 4);
        var progress = new List<TrainingProgress>();
        using var result = new NpeTrainer(Small(FlowKind.Nsf) with { Patience = 3, MaxEpochs = 400 })
            .Train(train, support: null, seed: 5, new SynchronousProgress<TrainingProgress>(progress.Add));
        Assert.Equal(NpeStopReason.Converged, result.StopReason);
        // The same progress type as GATSBI's: one report per epoch, with the epoch early stopping would end at.
        Assert.Equal(Enumerable.Range(1, result.Epochs), progress.Select(p => p.Epoch));
        Assert.All(progress, p => Assert.InRange(p.MaxEpochs, p.Epoch, 400));
        Assert.Equal(result.Epochs, progress[^1].MaxEpochs);
        Assert.All(progress, p => Assert.Contains("validation log q", p.Status));
        Assert.Equal(result.BestEpoch + 3, result.Epochs);
        var best = result.Log.MaxBy(e => e.ValidationLogProb)!;
        Assert.Equal(result.BestEpoch, best.Epoch);
        Assert.All(result.Log.Skip(result.BestEpoch), e => Assert.True(e.ValidationLogProb <= best.ValidationLogProb));
    }

    [Fact]
    public void Samples_stay_in_the_support_and_repeat_with_the_seed()
    {
        var prior = new BoxUniform(2, -1f, 1f);
        var simulator = new PerSampleSimulator(2, 2, (theta, x, rng) =>
        {
            x[0] = theta[0] + 0.1f * (float)rng.Normal();
            x[1] = theta[1] + 0.1f * (float)rng.Normal();
        });
        var data = new SimulationRunner().Run(prior, simulator, 1_000, seed: 1);
        var result = new NpeTrainer(Small(FlowKind.Nsf) with { MaxEpochs = 20 }).Train(data, prior.Support, seed: 2);
        using var posterior = result.Posterior;
        float[] observation = [0.95f, -0.2f];
        var a = posterior.Sample(observation, 2_000, seed: 7);
        var b = posterior.Sample(observation, 2_000, seed: 7);
        Assert.Equal(2_000, a.Count);
        Assert.True(a.Rejected > 0, "near the edge at 0.95 some of the flow's mass should fall outside and be rejected");
        for (int i = 0; i < a.Count; i++) Assert.True(prior.Support.Contains(a.Samples.Row(i)));
        Assert.Equal(a.Samples.Cast<float>(), b.Samples.Cast<float>());
        var density = posterior.LogProb(new float[,] { { 0.9f, -0.2f }, { 1.5f, 0f } }, observation);
        Assert.True(double.IsFinite(density[0]));
        Assert.Equal(double.NegativeInfinity, density[1]);
        Assert.Throws<ArgumentException>(() => posterior.Sample([1f], 10, 1));
    }

    [Fact]
    public void Rejects_too_few_simulations_with_a_clear_message()
    {
        var (train, _) = Banana(2, 1);
        var e = Assert.Throws<ArgumentException>(() => new NpeTrainer(NpeOptions.Sbibm()).Train(train, support: null, seed: 1));
        Assert.Contains("at least 2 training and 1 validation", e.Message);
    }
}
