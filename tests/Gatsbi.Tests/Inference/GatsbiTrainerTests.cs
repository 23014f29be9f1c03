using Gatsbi.Benchmarks.Tasks;
using Gatsbi.Diagnostics;
using Gatsbi.Distributions;
using Gatsbi.Inference;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Nn;
using Gatsbi.Simulation;
using Gatsbi.Tests.Core;
using Gatsbi.Tests.Diagnostics;
using TorchSharp;

namespace Gatsbi.Tests.Inference;

[Collection(TorchCollection.Name)]
public sealed class GatsbiTrainerTests : TorchTest
{
    private static readonly TwoMoons Task = new();
    private static readonly Support TwoMoonsSupport = Task.Prior.Support!;

    /// <summary>The tuned preset, cut down to a few seconds of training.</summary>
    private static GatsbiOptions Tiny => GatsbiOptions.Fast() with { MaxEpochs = 30, HoldOut = 100, LogEvery = 10, EnsembleSize = 1 };

    private static SimulationSet Simulate(int count, ulong seed = 1) =>
        new SimulationRunner().Run(Task.Prior, Task.Simulator, count, seed);

    private static float[,] Sample(GatsbiResult result, ulong seed = 5) =>
        result.Posterior.Sample(Task.Observation(1), 500, seed).Samples;

    [Fact]
    public void Training_returns_a_full_log_of_finite_records_and_a_posterior_inside_the_support()
    {
        var progress = new List<TrainingProgress>();
        var result = new GatsbiTrainer(Tiny).Train(Simulate(600), TwoMoonsSupport, seed: 3, new SynchronousProgress<TrainingProgress>(progress.Add));
        using var posterior = result.Posterior;

        Assert.Equal(StopReason.EpochBudget, result.StopReason);
        Assert.Equal(30, result.Epochs);
        Assert.Equal(0, result.DroppedSimulations);
        Assert.Equal(new[] { 10, 20, 30 }, result.Log.Select(r => r.Epoch));
        foreach (var r in result.Log)
        {
            double[] values = [r.DiscriminatorLoss, r.GeneratorLoss, r.DiscriminatorGradNorm, r.GeneratorGradNorm,
                r.DRealMean, r.DRealStd, r.DFakeMean, r.DFakeStd, r.GeneratorLearningRate, r.HoldOutEnergyScore];
            Assert.All(values, v => Assert.True(double.IsFinite(v), $"epoch {r.Epoch}: {r}"));
            Assert.InRange(r.DRealMean, 0, 1);
            Assert.InRange(r.DFakeMean, 0, 1);
            Assert.True(r.DiscriminatorGradNorm > 0 && r.GeneratorGradNorm > 0);
            Assert.True(r.HoldOutEnergyScore > 0, $"epoch {r.Epoch}: energy score {r.HoldOutEnergyScore}");
        }
        // Cosine schedule: from the initial rate down to FinalLearningRateFraction of it at the last epoch.
        Assert.Equal(Tiny.GeneratorLearningRate * Tiny.FinalLearningRateFraction, result.Log[^1].GeneratorLearningRate, 12);
        Assert.True(result.Log[0].GeneratorLearningRate > result.Log[1].GeneratorLearningRate);
        Assert.Equal(Enumerable.Range(1, 30), progress.Select(p => p.Epoch));
        Assert.Equal(result.Log[^1], progress[^1].Latest);

        var samples = result.Posterior.Sample(Task.Observation(1), 1000, seed: 9);
        Assert.True(samples.Count > 0);
        Assert.Equal(samples.Drawn - samples.Count, samples.Rejected);
        for (int i = 0; i < samples.Count; i++)
            Assert.True(TwoMoonsSupport.Contains(samples.Samples.Row(i)), $"sample {i} outside the prior support");
    }

    /// <summary>The log with its wall-clock column blanked: everything else in it must be reproducible.</summary>
    private static IEnumerable<TrainingRecord> WithoutWallClock(IEnumerable<TrainingRecord> log) =>
        log.Select(r => r with { Elapsed = TimeSpan.Zero });

    [Fact]
    public void The_same_seed_gives_identical_results_and_another_seed_does_not()
    {
        var data = Simulate(600);
        var a = new GatsbiTrainer(Tiny).Train(data, TwoMoonsSupport, seed: 7);
        var b = new GatsbiTrainer(Tiny).Train(data, TwoMoonsSupport, seed: 7);
        var c = new GatsbiTrainer(Tiny).Train(data, TwoMoonsSupport, seed: 8);
        using (a.Posterior)
        using (b.Posterior)
        using (c.Posterior)
        {
            Assert.Equal(Sample(a), Sample(b));
            Assert.Equal(WithoutWallClock(a.Log), WithoutWallClock(b.Log));
            Assert.NotEqual(Sample(a), Sample(c));
            // Sampling seeds matter too.
            Assert.NotEqual(Sample(a, seed: 5), Sample(a, seed: 6));
        }
    }

    /// <summary>
    /// Unrolled discriminator steps take part in training (the generator sees a different discriminator, so the
    /// posterior changes) and stay reproducible for a seed.
    /// </summary>
    [Fact]
    public void Unrolled_discriminator_steps_change_training_reproducibly()
    {
        var data = Simulate(600);
        var unrolled = Tiny with { UnrolledSteps = 3 };
        var a = new GatsbiTrainer(unrolled).Train(data, TwoMoonsSupport, seed: 7);
        var b = new GatsbiTrainer(unrolled).Train(data, TwoMoonsSupport, seed: 7);
        var plain = new GatsbiTrainer(Tiny).Train(data, TwoMoonsSupport, seed: 7);
        using (a.Posterior)
        using (b.Posterior)
        using (plain.Posterior)
        {
            Assert.Equal(Sample(a), Sample(b));
            Assert.NotEqual(Sample(a), Sample(plain));
            Assert.All(a.Log, r => Assert.True(double.IsFinite(r.DiscriminatorLoss) && double.IsFinite(r.GeneratorLoss)));
        }
    }

    [Fact]
    public void Non_finite_rows_are_dropped_and_counted()
    {
        var data = Simulate(600);
        var bad = new HashSet<int> { 0, 17, 250, 599 };
        foreach (int i in bad) data.X[i, i % 2] = i == 250 ? float.PositiveInfinity : float.NaN;
        data.Theta[300, 1] = float.NaN;

        var result = new GatsbiTrainer(Tiny with { MaxEpochs = 2, LogEvery = 1 }).Train(data, TwoMoonsSupport, seed: 1);
        using var posterior = result.Posterior;

        Assert.Equal(5, result.DroppedSimulations);
        Assert.All(result.Log, r => Assert.True(double.IsFinite(r.DiscriminatorLoss) && double.IsFinite(r.GeneratorLoss)));
    }

    [Fact]
    public void Too_few_simulations_give_a_clear_error()
    {
        var e = Assert.Throws<ArgumentException>(() => new GatsbiTrainer(Tiny).Train(Simulate(101), TwoMoonsSupport, seed: 1));
        Assert.Contains("more than 101 finite simulations", e.Message);
        Assert.Contains("hold-out 100", e.Message);
        Assert.Contains("got 101", e.Message);

        // Enough rows, but not once the failed ones are dropped.
        var data = Simulate(110);
        for (int i = 0; i < 10; i++) data.X[i, 0] = float.NaN;
        var dropped = Assert.Throws<ArgumentException>(() => new GatsbiTrainer(Tiny).Train(data, TwoMoonsSupport, seed: 1));
        Assert.Contains("got 100 after dropping 10", dropped.Message);
    }

    private static readonly Dictionary<string, Func<GatsbiOptions, GatsbiOptions>> InvalidChanges = new()
    {
        [nameof(GatsbiOptions.DiscriminatorSteps)] = o => o with { DiscriminatorSteps = 0 },
        [nameof(GatsbiOptions.GeneratorSteps)] = o => o with { GeneratorSteps = 0 },
        [nameof(GatsbiOptions.UnrolledSteps)] = o => o with { UnrolledSteps = -1 },
        [nameof(GatsbiOptions.GeneratorLearningRate)] = o => o with { GeneratorLearningRate = 0 },
        [nameof(GatsbiOptions.DiscriminatorLearningRate)] = o => o with { DiscriminatorLearningRate = -1e-3 },
        [nameof(GatsbiOptions.BatchSizeFraction)] = o => o with { BatchSizeFraction = 1.5 },
        [nameof(GatsbiOptions.MaxBatchSize)] = o => o with { MaxBatchSize = 0 },
        [nameof(GatsbiOptions.HoldOut)] = o => o with { HoldOut = 1 },
        [nameof(GatsbiOptions.LogEvery)] = o => o with { LogEvery = 0 },
        [nameof(GatsbiOptions.MaxEpochs)] = o => o with { MaxEpochs = 0 },
        [nameof(GatsbiOptions.FinalLearningRateFraction)] = o => o with { FinalLearningRateFraction = 0 },
        [nameof(GatsbiOptions.Threads)] = o => o with { Threads = 0 },
        [nameof(GatsbiOptions.EnsembleSize)] = o => o with { EnsembleSize = 0 },
        [nameof(GatsbiOptions.GeneratorAverageDecay)] = o => o with { GeneratorAverageDecay = 1 },
        [nameof(GatsbiOptions.EnergyScoreWeight)] = o => o with { EnergyScoreWeight = -1 },
        [nameof(GatsbiOptions.GradientPenaltyWeight)] = o => o with { GradientPenaltyWeight = double.NaN },
        [nameof(GeneratorSpec.NoiseAfterLayer)] = o => o with { Generator = o.Generator with { NoiseAfterLayer = 9 } },
    };

    public static TheoryData<string> InvalidOptionNames => new(InvalidChanges.Keys);

    [Theory]
    [MemberData(nameof(InvalidOptionNames))]
    public void Validate_names_the_offending_option(string name)
    {
        var options = InvalidChanges[name](Tiny);
        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(name, e.Message);
        // Train validates before doing any work.
        Assert.Throws<ArgumentException>(() => new GatsbiTrainer(options).Train(Simulate(300), TwoMoonsSupport, seed: 1));
    }

    [Fact]
    public void The_presets_are_valid()
    {
        GatsbiOptions.Paper().Validate();
        GatsbiOptions.Fast().Validate();
        Assert.Equal(100, GatsbiOptions.Paper().BatchSize(1000));
        Assert.Equal(1000, GatsbiOptions.Paper().BatchSize(100_000));
        Assert.Equal(1, GatsbiOptions.Paper().BatchSize(5));
    }

    /// <summary>
    /// MaxPasses caps the epochs at passes × training pairs / batch: with the hold-out of 100 and batches of a tenth
    /// of the budget (at most 256), 311 passes give 1,000 simulations ⌈311 · 900 / 100⌉ = 2,799 epochs and leave
    /// 10,000 (⌈311 · 9,900 / 256⌉ = 12,027) and 100,000 at the 12,000 of MaxEpochs. A trained run stops there.
    /// </summary>
    [Fact]
    public void Max_passes_caps_the_epochs_of_small_budgets()
    {
        var capped = GatsbiOptions.Fast() with { MaxPasses = 311 };
        Assert.Equal(2_799, capped.Epochs(1_000));
        Assert.Equal(12_000, capped.Epochs(10_000));
        Assert.Equal(12_000, capped.Epochs(100_000));
        Assert.Equal(12_000, (GatsbiOptions.Fast() with { MaxPasses = null }).Epochs(1_000));

        // 300 simulations: 200 training pairs in batches of 30, so 0.6 passes are ⌈0.6 · 200 / 30⌉ = 4 epochs.
        var result = new GatsbiTrainer(Tiny with { MaxEpochs = 50, MaxPasses = 0.6 }).Train(Simulate(300), TwoMoonsSupport, seed: 1);
        using var posterior = result.Posterior;
        Assert.Equal(4, result.Epochs);
    }

    [Fact]
    public void A_cancelled_run_stops_after_the_current_epoch_and_returns_a_posterior()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var result = new GatsbiTrainer(Tiny).Train(Simulate(300), TwoMoonsSupport, seed: 1, cancellation: cancelled.Token);
        using var posterior = result.Posterior;
        Assert.Equal(StopReason.Cancelled, result.StopReason);
        Assert.Equal(1, result.Epochs);
        Assert.Equal(2, posterior.Sample(Task.Observation(1), 2, seed: 1).Requested);
    }

    [Fact]
    public void The_thread_count_is_restored_after_training()
    {
        int before = torch.get_num_threads();
        var result = new GatsbiTrainer(Tiny with { MaxEpochs = 1, Threads = before == 1 ? 2 : 1 }).Train(Simulate(300), TwoMoonsSupport, seed: 1);
        using var posterior = result.Posterior;
        Assert.Equal(before == 1 ? 2 : 1, result.Threads);
        Assert.Equal(before, torch.get_num_threads());
    }

    public static TheoryData<string> Variants => new("hinge", "least-squares", "wgan-gp", "energy-score", "weight-average", "input-gain");

    /// <summary>The losses and regularisers are each checked as one change from the preset without its input gain, as the study measured them.</summary>
    private static GatsbiOptions Base => Tiny with { Discriminator = Tiny.Discriminator with { InputGain = 1 } };

    private static GatsbiOptions Variant(string name) => name switch
    {
        "hinge" => Base with { Loss = GatsbiLossKind.Hinge },
        "least-squares" => Base with { Loss = GatsbiLossKind.LeastSquares },
        // No spectral norm and 5 critic steps, as in Gulrajani et al. 2017 (the study's setting).
        "wgan-gp" => Base with
        {
            Loss = GatsbiLossKind.WassersteinGp,
            Discriminator = Base.Discriminator with { SpectralNorm = false },
            DiscriminatorSteps = 5,
        },
        "energy-score" => Base with { EnergyScoreWeight = 1 },
        "weight-average" => Base with { GeneratorAverageDecay = 0.9 },
        "input-gain" => Base with { Discriminator = Base.Discriminator with { InputGain = 10 } },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>
    /// Each loss and regulariser must learn: on the conjugate Gaussian (θ ~ N(0, I₂), x = θ + N(0, 0.5² I₂)), whose
    /// exact posterior has energy-score skill 1 − √0.2 = 0.553 over the prior (EnergyScoreSkillTests), 300 epochs
    /// keeping the best hold-out checkpoint must reach skill 0.25. The prior is a fixed baseline, so the bound does
    /// not depend on where one training trajectory happened to be at its last epoch; keeping the best checkpoint
    /// removes the late oscillations of a GAN, which left the hinge loss at −0.02 for one seed without it. Over
    /// training seeds 1–6 each variant's skill had a mean of 0.44–0.54 and a minimum of 0.389 (sd ≤ 0.035; bench
    /// trajectory-spread parts=variants, 2-core reference machine), so 0.25 is more than five sd below every mean,
    /// while a loss that does not train (a wrong sign, a detached generator) stays near 0 or below.
    /// </summary>
    [Theory]
    [MemberData(nameof(Variants))]
    public void Each_loss_and_regulariser_learns_a_posterior_far_better_than_the_prior(string name)
    {
        var options = Variant(name) with { MaxEpochs = 300, LogEvery = 10, KeepBestCheckpoint = true };
        var data = new SimulationRunner().Run(ConjugateGaussian.Prior, ConjugateGaussian.Simulator, 2_000, seed: 1);
        var result = new GatsbiTrainer(options).Train(data, support: null, seed: 2);
        using var posterior = result.Posterior;
        Assert.All(result.Log, r => Assert.True(double.IsFinite(r.HoldOutEnergyScore) && double.IsFinite(r.GeneratorLoss), $"{name}, epoch {r.Epoch}: {r}"));
        var skill = EnergyScoreSkill.Compute(posterior, ConjugateGaussian.Prior, ConjugateGaussian.Simulator, pairs: 200, draws: 16, seed: 3);
        Assert.True(skill.Skill > 0.25, $"{name}: energy score {skill.PosteriorScore:F3} against the prior's {skill.PriorScore:F3}, skill {skill.Skill:F3}");
    }

    /// <summary>
    /// Training in the prior's unbounded space learns two_moons as the bounded space does: over training seeds 1–6,
    /// 300 epochs keeping the best checkpoint reached skill 0.414–0.464 (sd 0.020; trajectory-spread
    /// variant-problem=two_moons); 0.25 is eight sd below that. The transform only exists for a bounded prior,
    /// so this variant is checked on two_moons rather than on the conjugate Gaussian.
    /// </summary>
    [Fact]
    public void Training_in_the_unbounded_space_learns_a_posterior_far_better_than_the_prior()
    {
        var options = Base with { TransformToUnbounded = true, MaxEpochs = 300, LogEvery = 10, KeepBestCheckpoint = true };
        var result = new GatsbiTrainer(options).Train(Simulate(2000), TwoMoonsSupport, seed: 2);
        using var posterior = result.Posterior;
        var skill = EnergyScoreSkill.Compute(posterior, Task.Prior, Task.Simulator, pairs: 200, draws: 16, seed: 3);
        Assert.Equal(0, skill.UnscoredPairs);
        Assert.True(skill.Skill > 0.25, $"energy score {skill.PosteriorScore:F3} against the prior's {skill.PriorScore:F3}, skill {skill.Skill:F3}");
    }

    [Fact]
    public void Training_in_the_unbounded_space_gives_samples_that_never_leave_the_support()
    {
        var result = new GatsbiTrainer(Tiny with { TransformToUnbounded = true }).Train(Simulate(600), TwoMoonsSupport, seed: 3);
        using var posterior = result.Posterior;
        Assert.NotNull(posterior.Generator.SupportTransform);
        var samples = posterior.Sample(Task.Observation(1), 2000, seed: 1);
        Assert.Equal(0, samples.Rejected);
        Assert.Equal(2000, samples.Count);
        // Without a support there is nothing to transform to.
        var free = new GatsbiTrainer(Tiny with { TransformToUnbounded = true, MaxEpochs = 1 }).Train(Simulate(300), support: null, seed: 3);
        using (free.Posterior) Assert.Null(free.Posterior.Generator.SupportTransform);
    }

    /// <summary>
    /// With a constant learning rate a run stopped at epoch e trains exactly like the first e epochs of a longer
    /// run, so the checkpointed posterior must equal the one of a run stopped at the best logged epoch, and differ
    /// from the last epoch's. Which logged epoch scores best is a property of the training trajectory, which differs
    /// between CPUs, so the test does not assume one: it takes the first of ten seeds whose best epoch comes before
    /// the last, and fails only if none does (bench trajectory-spread, part checkpoint, lists the best epochs per seed).
    /// </summary>
    [Fact]
    public void Keeping_the_best_checkpoint_returns_the_weights_of_the_best_logged_epoch()
    {
        var options = Tiny with { MaxEpochs = 110, LogEvery = 10, Schedule = LearningRateSchedule.Constant, GeneratorLearningRate = 3e-3, DiscriminatorLearningRate = 3e-3 };
        var data = Simulate(1000);
        var bestEpochs = new List<int>();
        for (ulong seed = 1; seed <= 10; seed++)
        {
            var best = new GatsbiTrainer(options with { KeepBestCheckpoint = true }).Train(data, TwoMoonsSupport, seed);
            using (best.Posterior)
            {
                int bestEpoch = best.Log.MinBy(r => r.HoldOutEnergyScore)!.Epoch;
                bestEpochs.Add(bestEpoch);
                if (bestEpoch == options.MaxEpochs) continue;
                var stopped = new GatsbiTrainer(options with { MaxEpochs = bestEpoch }).Train(data, TwoMoonsSupport, seed);
                var last = new GatsbiTrainer(options).Train(data, TwoMoonsSupport, seed);
                using (stopped.Posterior)
                using (last.Posterior)
                {
                    Assert.Equal(Sample(stopped), Sample(best));
                    Assert.NotEqual(Sample(last), Sample(best));
                }
                return;
            }
        }
        Assert.Fail($"Every seed scored best at its last epoch ({string.Join(", ", bestEpochs)}); the test needs an earlier optimum.");
    }

    [Fact]
    public void An_ensemble_trains_its_first_member_like_a_single_model_and_mixes_equal_shares()
    {
        var data = Simulate(600);
        var progress = new List<TrainingProgress>();
        var single = new GatsbiTrainer(Tiny).Train(data, TwoMoonsSupport, seed: 7);
        var ensemble = new GatsbiTrainer(Tiny with { EnsembleSize = 3, ParallelMembers = 3 }).Train(data, TwoMoonsSupport, seed: 7, new SynchronousProgress<TrainingProgress>(progress.Add));
        var oneByOne = new GatsbiTrainer(Tiny with { EnsembleSize = 3, ParallelMembers = 1 }).Train(data, TwoMoonsSupport, seed: 7);
        using (single.Posterior)
        using (ensemble.Posterior)
        using (oneByOne.Posterior)
        {
            // Members trained side by side give what members trained one after another give.
            Assert.Equal(oneByOne.Posterior.Sample(Task.Observation(1), 300, seed: 2).Samples, ensemble.Posterior.Sample(Task.Observation(1), 300, seed: 2).Samples);
            Assert.Equal(3, ensemble.Posterior.Members.Count);
            Assert.Equal(3, ensemble.MemberLogs.Count);
            Assert.Equal(3 * Tiny.MaxEpochs, ensemble.Epochs);
            Assert.Equal(WithoutWallClock(single.Log), WithoutWallClock(ensemble.MemberLogs[0]));
            Assert.NotEqual(WithoutWallClock(ensemble.MemberLogs[0]), WithoutWallClock(ensemble.MemberLogs[1]));
            // One progress bar over all members, counting up whichever member finishes an epoch.
            Assert.Equal(Enumerable.Range(1, 3 * Tiny.MaxEpochs), progress.Select(p => p.Epoch));
            Assert.All(progress, p => Assert.Equal(3 * Tiny.MaxEpochs, p.MaxEpochs));

            // 7 samples from 3 members: shares 3, 2, 2; the first share is the single model's first 3 samples.
            var mixed = ensemble.Posterior.Sample(Task.Observation(1), 7, seed: 5).Samples;
            var alone = single.Posterior.Sample(Task.Observation(1), 3, seed: 5).Samples;
            Assert.Equal(alone, mixed.SliceRows(0, 3));
            Assert.NotEqual(alone.SliceRows(0, 2), mixed.SliceRows(3, 2));
        }
    }
}
