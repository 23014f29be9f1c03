using Gatsbi.Benchmarks.Tasks;
using Gatsbi.Distributions;
using Gatsbi.Inference;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Inference.Gatsbi.Sequential;
using Gatsbi.Nn;
using Gatsbi.Randomness;
using Gatsbi.Simulation;
using Gatsbi.Tests.Abc;
using Gatsbi.Tests.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatsbi.Tests.Inference;

/// <summary>The round structure of sequential GATSBI and its energy-based sampler, on tiny budgets (accuracy is the benchmark's job).</summary>
[Collection(TorchCollection.Name)]
public sealed class SequentialGatsbiTests : TorchTest
{
    private static readonly TwoMoons Task = new();

    /// <summary>The Fast preset cut to a few seconds: 20 epochs in round 0, 10 in each later round.</summary>
    private static SequentialOptions Tiny(SequentialCorrection correction, int rounds = 2) => SequentialOptions.Fast(correction) with
    {
        Gatsbi = SequentialOptions.Fast().Gatsbi with { MaxEpochs = 20, LogEvery = 10 },
        LaterRoundEpochs = 10,
        Rounds = rounds,
        Classifier = new DensityRatioOptions { HiddenUnits = [16, 16], MaxEpochs = 20 },
    };

    [Theory]
    [InlineData(1_000, 2, new[] { 250, 750 })]
    [InlineData(10_000, 2, new[] { 2_500, 7_500 })]
    [InlineData(1_000, 4, new[] { 250, 250, 250, 250 })]
    [InlineData(1_001, 3, new[] { 250, 375, 376 })]
    [InlineData(999, 4, new[] { 249, 250, 250, 250 })]
    public void Budgets_follow_the_published_split_and_add_up_to_the_total(int total, int rounds, int[] expected)
    {
        var budgets = (SequentialOptions.Fast() with { Rounds = rounds }).Budgets(total);
        Assert.Equal(expected, budgets);
        Assert.Equal(total, budgets.Sum());
    }

    /// <summary>
    /// The simulator is called for exactly the configured budget, round by round, whatever the correction, and
    /// every proposal round's parameters lie inside the prior's support.
    /// </summary>
    [Theory]
    [InlineData(SequentialCorrection.InverseImportanceWeights)]
    [InlineData(SequentialCorrection.ImportanceWeights)]
    [InlineData(SequentialCorrection.EnergyBased)]
    public void Rounds_use_the_simulation_budget_exactly(SequentialCorrection correction)
    {
        var simulator = new RecordingSimulator(Task.Simulator);
        var options = Tiny(correction, rounds: 3);
        var result = new SequentialGatsbi(options).Run(Task.Prior, simulator, Task.Observation(1), 500, seed: 4);
        using var posterior = result.Posterior;

        Assert.Equal(500, simulator.Rows.Count);
        Assert.Equal(options.Budgets(500), result.Rounds.Select(r => r.Simulations));
        Assert.Equal(500, result.Simulations);
        Assert.Equal([0, 1, 2], result.Rounds.Select(r => r.Index));
        Assert.Equal(options.Gatsbi.MaxEpochs + 2 * options.LaterRoundEpochs, result.Epochs);
        Assert.All(result.Rounds.Skip(1), r => Assert.True(r.ThetaClassifierEpochs > 0 && r.DataClassifierEpochs > 0));
        Assert.All(simulator.Rows, theta => Assert.True(Task.Prior.Support!.Contains(theta), $"θ = ({string.Join(", ", theta)}) outside the support"));
        // One log over all rounds, on a continuing epoch axis.
        Assert.Equal(options.Gatsbi.MaxEpochs + 2 * options.LaterRoundEpochs, result.Log[^1].Epoch);
        Assert.True(result.Log.Select(r => r.Epoch).SequenceEqual(result.Log.Select(r => r.Epoch).Order()));
    }

    /// <summary>A first round serves several observations: refining copies its networks, and the same seed gives the same posterior.</summary>
    [Fact]
    public void Refining_leaves_the_first_round_untouched_and_is_reproducible()
    {
        var sequential = new SequentialGatsbi(Tiny(SequentialCorrection.InverseImportanceWeights));
        using var start = sequential.FirstRound(Task.Prior, Task.Simulator, 400, seed: 2);
        var before = Weights(start.Members[0].Generator);

        float[,] Draw(ulong seed, int observation)
        {
            var result = sequential.Refine(start, Task.Observation(observation), seed);
            using var posterior = result.Posterior;
            return posterior.Sample(Task.Observation(observation), 200, seed: 9).Samples;
        }

        var a = Draw(5, 1);
        var b = Draw(5, 1);
        var c = Draw(6, 1);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(before, Weights(start.Members[0].Generator));
    }

    /// <summary>
    /// The rejection sampler of the energy-based correction draws z from ρ(z | x) ∝ N(z; 0, I) · w̄(G(z, x)).
    /// Check: the mean of G over tilted latents equals the importance-weighted mean over plain latents. The θ
    /// classifier is trained between N(m, s²) and N(m + s·e₁, s²), where m and s are the generator's own output
    /// mean and spread, so the odds grow like exp((θ₁ − m₁)/s) and the tilt moves the mean by about s; 4,000 draws
    /// estimate both means to about 0.03 s, and 0.15 s leaves room for the classifier's fit and the pilot bound.
    /// </summary>
    [Fact]
    public void Tilted_latents_follow_the_importance_weighted_distribution()
    {
        const int n = 4_000;
        torch.manual_seed(11);
        using var generator = new ConditionalGenerator(2, 2, new GeneratorSpec([32, 32], NoiseAfterLayer: 1, LatentDimension: null, LeakyOutput: false));
        using var random = new torch.Generator(12);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = tensor(Task.Observation(1)).unsqueeze(0).expand(n, 2).contiguous();
        var plain = generator.Forward(x, randn([n, generator.LatentDimension], generator: random));
        var mean = plain.mean([0]);
        var spread = plain.std([0]);

        var rng = new Rng(13);
        float[,] Gaussian(double shift)
        {
            var m = mean.data<float>().ToArray();
            var s = spread.data<float>().ToArray();
            var rows = new float[n, 2];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < 2; j++) rows[i, j] = (float)(m[j] + s[j] * (rng.Normal() + (j == 0 ? shift : 0)));
            return rows;
        }

        using var thetaClassifier = DensityRatioClassifier.Train(Gaussian(0), Gaussian(1), seed: 14);
        using var dataClassifier = DensityRatioClassifier.Train(Gaussian(0), Gaussian(0), seed: 15);
        var correction = new RoundCorrection(SequentialCorrection.EnergyBased, new ImportanceCorrection(thetaClassifier, dataClassifier));

        var tilted = generator.Forward(x, correction.TiltedLatent(generator, x, random));
        var weights = thetaClassifier.Odds(plain, 1).unsqueeze(1);
        var weightedMean = (plain * weights).sum([0]) / weights.sum();
        double s1 = spread[0].item<float>();
        double tiltedMean = tilted.mean([0])[0].item<float>(), expected = weightedMean[0].item<float>(), untilted = mean[0].item<float>();
        Assert.InRange((tiltedMean - expected) / s1, -0.15, 0.15);
        Assert.True((tiltedMean - untilted) / s1 > 0.5, $"the tilt moved the mean by only {(tiltedMean - untilted) / s1:F2} s");
    }

    /// <summary>The benchmark's cache gives the corrections one round 0 per prior, simulator, budget and seed.</summary>
    [Fact]
    public void Methods_that_differ_after_round_0_share_it()
    {
        using var shared = new SharedFirstRounds();
        var inverse = new SequentialGatsbi(Tiny(SequentialCorrection.InverseImportanceWeights));
        var energy = new SequentialGatsbi(Tiny(SequentialCorrection.EnergyBased) with { Gatsbi = inverse.Options.Gatsbi });
        var first = shared.GetOrTrain(inverse, Task.Prior, Task.Simulator, 400, seed: 3, null, default);
        Assert.Same(first, shared.GetOrTrain(energy, Task.Prior, Task.Simulator, 400, seed: 3, null, default));
        Assert.NotSame(first, shared.GetOrTrain(energy, Task.Prior, Task.Simulator, 400, seed: 4, null, default));
        Assert.NotSame(first, shared.GetOrTrain(inverse, Task.Prior, Task.Simulator, 500, seed: 3, null, default));
    }

    /// <summary>Ctrl+C during a later round keeps what was trained: the round stops after its current epoch and the posterior is returned.</summary>
    [Fact]
    public void Cancelling_during_a_later_round_returns_the_posterior_trained_so_far()
    {
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress<WorkProgress>(p =>
        {
            if (p.Status?.StartsWith("round 1", StringComparison.Ordinal) == true) cancel.Cancel();
        });
        var result = new SequentialGatsbi(Tiny(SequentialCorrection.InverseImportanceWeights, rounds: 3))
            .Run(Task.Prior, Task.Simulator, Task.Observation(1), 500, seed: 4, progress, cancel.Token);
        using var posterior = result.Posterior;
        Assert.Equal(2, result.Rounds.Count); // round 0 complete, round 1 cut short, round 2 never started
        Assert.Equal(1, result.Rounds[1].Epochs);
        Assert.Equal(200, posterior.Sample(Task.Observation(1), 200, seed: 1).Count);
    }

    [Theory]
    [InlineData("Rounds", "at least 2")]
    [InlineData("FirstRoundFraction", "in (0, 1)")]
    [InlineData("LaterRoundEpochs", "at least 1")]
    [InlineData("Gatsbi.Loss", "CrossEntropy or NonSaturating")]
    [InlineData("Gatsbi.EnergyScoreWeight", "0")]
    [InlineData("PilotDraws", "at least 1")]
    public void Invalid_options_are_named(string option, string expected)
    {
        var fast = SequentialOptions.Fast();
        var options = option switch
        {
            "Rounds" => fast with { Rounds = 1 },
            "FirstRoundFraction" => fast with { FirstRoundFraction = 1 },
            "LaterRoundEpochs" => fast with { LaterRoundEpochs = 0 },
            "Gatsbi.Loss" => fast with { Gatsbi = fast.Gatsbi with { Loss = GatsbiLossKind.Hinge } },
            "Gatsbi.EnergyScoreWeight" => fast with { Gatsbi = fast.Gatsbi with { EnergyScoreWeight = 0.5 } },
            _ => fast with { Tilt = new TiltedLatentOptions { PilotDraws = 0 } },
        };
        var e = Assert.Throws<ArgumentException>(() => new SequentialGatsbi(options).FirstRound(Task.Prior, Task.Simulator, 1_000, seed: 1));
        Assert.Contains(option, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_budget_too_small_for_the_rounds_says_how_it_would_split()
    {
        var e = Assert.Throws<ArgumentException>(() => new SequentialGatsbi(SequentialOptions.Fast() with { Rounds = 3 }).FirstRound(Task.Prior, Task.Simulator, 10, seed: 1));
        Assert.Contains("10 simulations are too few for 3 rounds", e.Message);
        Assert.Contains("[2, 4, 4]", e.Message);
    }

    [Fact]
    public void An_observation_of_the_wrong_length_is_rejected_before_any_simulation()
    {
        var simulator = new RecordingSimulator(Task.Simulator);
        var e = Assert.Throws<ArgumentException>(() => new SequentialGatsbi(Tiny(SequentialCorrection.EnergyBased)).Run(Task.Prior, simulator, [0.1f, 0.2f, 0.3f], 400, seed: 1));
        Assert.Contains("3 values", e.Message);
        Assert.Empty(simulator.Rows);
    }

    private static float[][] Weights(GeneratorNetwork g) => [.. g.parameters().Select(p => p.detach().reshape(-1).data<float>().ToArray())];

    /// <summary>Records every parameter row it simulates.</summary>
    private sealed class RecordingSimulator(ISimulator inner) : ISimulator
    {
        private readonly Lock _gate = new();
        public List<float[]> Rows { get; } = [];
        public int ParameterDimension => inner.ParameterDimension;
        public int DataDimension => inner.DataDimension;

        public void Simulate(float[,] theta, float[,] x, Rng rng)
        {
            lock (_gate)
                for (int i = 0; i < theta.GetLength(0); i++) Rows.Add(theta.Row(i).ToArray());
            inner.Simulate(theta, x, rng);
        }
    }
}
