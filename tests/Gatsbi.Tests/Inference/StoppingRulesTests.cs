using Gatsbi.Inference.Gatsbi;

namespace Gatsbi.Tests.Inference;

public sealed class StoppingRulesTests
{
    private const double LearningRate = 1e-4;
    private const double Threshold = 0.001;

    /// <summary>A healthy log row: nothing vanished, the discriminator separates well.</summary>
    private static TrainingRecord Healthy(int epoch) => new(
        epoch, DiscriminatorLoss: 1.2, GeneratorLoss: -0.6, DiscriminatorGradNorm: 0.5, GeneratorGradNorm: 0.3,
        DRealMean: 0.6, DRealStd: 0.1, DFakeMean: 0.4, DFakeStd: 0.1, GeneratorLearningRate: LearningRate, Elapsed: TimeSpan.Zero);

    private static List<TrainingRecord> Log(int rows, Func<TrainingRecord, TrainingRecord>? change = null) =>
        Enumerable.Range(1, rows).Select(i => change is null ? Healthy(i * 100) : change(Healthy(i * 100))).ToList();

    private static StopReason? Check(IReadOnlyList<TrainingRecord> log, bool gFinite = true, bool dFinite = true) =>
        StoppingRules.Check(log, gFinite, dFinite, LearningRate, Threshold);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(30)]
    public void A_healthy_log_does_not_stop(int rows)
    {
        Assert.Null(Check(Log(rows)));
    }

    [Fact]
    public void Non_finite_generator_comes_first_then_discriminator()
    {
        Assert.Equal(StopReason.GeneratorNotFinite, Check(Log(0), gFinite: false));
        Assert.Equal(StopReason.GeneratorNotFinite, Check(Log(5), gFinite: false, dFinite: false));
        Assert.Equal(StopReason.DiscriminatorNotFinite, Check(Log(5), dFinite: false));
        Assert.Equal(StopReason.DiscriminatorNotFinite, Check(Log(0), dFinite: false));
    }

    [Fact]
    public void Overconfident_discriminator_needs_ten_rows_with_both_stds_tiny()
    {
        var tiny = Log(10, r => r with { DFakeStd = 1e-7, DRealStd = 1e-7 });
        Assert.Equal(StopReason.DiscriminatorOverconfident, Check(tiny));
        Assert.Null(Check(tiny.Take(9).ToList()));
        Assert.Null(Check(Log(10, r => r with { DFakeStd = 1e-7 })));
        Assert.Null(Check(Log(10, r => r with { DRealStd = 1e-7 })));
        // Only the last 10 rows count.
        var recovered = Log(12, r => r with { DFakeStd = 1e-7, DRealStd = 1e-7 });
        recovered[^1] = recovered[^1] with { DFakeStd = 0.01, DRealStd = 0.01 };
        Assert.Null(Check(recovered));
        var earlier = Log(5).Concat(Log(10, r => r with { DFakeStd = 1e-7, DRealStd = 1e-7 })).ToList();
        Assert.Equal(StopReason.DiscriminatorOverconfident, Check(earlier));
    }

    [Fact]
    public void Vanishing_generator_loss_fires_without_a_minimum_row_count()
    {
        Assert.Equal(StopReason.GeneratorLossVanished, Check(Log(1, r => r with { GeneratorLoss = 1e-7 })));
        Assert.Equal(StopReason.GeneratorLossVanished, Check(Log(3, r => r with { GeneratorLoss = -5e-7 })));
        // It is the mean of |loss| that counts: +1 and −1 do not cancel.
        Assert.Null(Check(Log(2, r => r with { GeneratorLoss = r.Epoch == 100 ? 1 : -1 })));
        // A window of 10: an old large loss outside it does not matter.
        var log = Log(1).Concat(Log(10, r => r with { GeneratorLoss = 0 })).ToList();
        Assert.Equal(StopReason.GeneratorLossVanished, Check(log));
    }

    [Fact]
    public void Vanishing_generator_gradient_uses_a_window_of_twenty_and_the_learning_rate()
    {
        double below = 0.5e-4 * LearningRate, above = 2e-4 * LearningRate;
        Assert.Equal(StopReason.GeneratorGradientVanished, Check(Log(1, r => r with { GeneratorGradNorm = below })));
        Assert.Null(Check(Log(1, r => r with { GeneratorGradNorm = above })));
        // 20 rows of 0 after one large one: the large one is outside the window.
        var log = Log(1, r => r with { GeneratorGradNorm = 1 }).Concat(Log(20, r => r with { GeneratorGradNorm = 0 })).ToList();
        Assert.Equal(StopReason.GeneratorGradientVanished, Check(log));
        // 19 rows of 0 after one large one: the window still sees it.
        Assert.Null(Check(log.Skip(1).Take(19).Prepend(log[0]).ToList()));
    }

    [Fact]
    public void Indistinguishable_discriminator_needs_ten_rows_below_the_threshold()
    {
        var close = Log(10, r => r with { DRealMean = 0.5004, DFakeMean = 0.5 });
        Assert.Equal(StopReason.DiscriminatorCannotSeparate, Check(close));
        Assert.Null(Check(close.Take(9).ToList()));
        Assert.Null(Check(Log(10, r => r with { DRealMean = 0.502, DFakeMean = 0.5 })));
        // It is |mean(difference)|: differences of opposite sign cancel.
        var alternating = Log(10, r => r with { DRealMean = 0.5, DFakeMean = r.Epoch % 200 == 0 ? 0.6 : 0.4 });
        Assert.Equal(StopReason.DiscriminatorCannotSeparate, Check(alternating));
    }

    [Fact]
    public void Rules_apply_in_the_documented_order()
    {
        // Every condition holds at once. The original's order (_stop_training in gatsbi/optimize/utils.py of
        // github.com/mackelab/gatsbi) is finite G, finite D, overconfident, loss, gradient, separation.
        var all = Log(20, r => r with
        {
            DFakeStd = 0, DRealStd = 0, GeneratorLoss = 0, GeneratorGradNorm = 0, DRealMean = 0.5, DFakeMean = 0.5,
        });
        Assert.Equal(StopReason.GeneratorNotFinite, Check(all, gFinite: false, dFinite: false));
        Assert.Equal(StopReason.DiscriminatorNotFinite, Check(all, dFinite: false));
        Assert.Equal(StopReason.DiscriminatorOverconfident, Check(all));
        var noStd = all.Select(r => r with { DFakeStd = 0.1, DRealStd = 0.1 }).ToList();
        Assert.Equal(StopReason.GeneratorLossVanished, Check(noStd));
        var noLoss = noStd.Select(r => r with { GeneratorLoss = 1 }).ToList();
        Assert.Equal(StopReason.GeneratorGradientVanished, Check(noLoss));
        var noGrad = noLoss.Select(r => r with { GeneratorGradNorm = 1 }).ToList();
        Assert.Equal(StopReason.DiscriminatorCannotSeparate, Check(noGrad));
        var none = noGrad.Select(r => r with { DRealMean = 0.9 }).ToList();
        Assert.Null(Check(none));
    }
}
