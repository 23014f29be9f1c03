using Gatsbi.Inference.Gatsbi;
using Gatsbi.Tests.Core;
using static TorchSharp.torch;

namespace Gatsbi.Tests.Inference;

[Collection(TorchCollection.Name)]
public sealed class EnergyScoreTests : TorchTest
{
    /// <summary>Standard normal draws, rows × m × d, from a fixed seed.</summary>
    private static Tensor Normal(long rows, long m, long d, ulong seed)
    {
        using var g = new Generator(seed);
        return randn([rows, m, d], generator: g);
    }

    [Fact]
    public void In_one_dimension_it_is_the_closed_form_crps_of_a_normal()
    {
        // In one dimension the energy score is the CRPS; for N(0, 1) at y: y(2Φ(y) − 1) + 2φ(y) − 1/√π.
        // At y = 0 that is 2φ(0) − 1/√π = 0.23369. 4,000 rows of 50 draws: the estimate's standard error is
        // about 0.002 (measured spread over seeds), so 0.01 is five of them.
        using var samples = Normal(4000, 50, 1, seed: 1);
        using var theta = zeros(4000, 1);
        using var score = EnergyScore.Estimate(samples, theta);
        Assert.Equal(2 / Math.Sqrt(2 * Math.PI) - 1 / Math.Sqrt(Math.PI), score.item<float>(), 0.01);
    }

    [Fact]
    public void It_is_lowest_for_the_distribution_the_truth_comes_from()
    {
        // θ ~ N(0, I₃); forecasts N(0, s²I₃) scored over 4,000 truths: proper means s = 1 wins. The expected
        // gap to s = 0.7 and s = 1.4 is about 0.08, some twenty standard errors.
        using var truth = Normal(4000, 1, 3, seed: 2).squeeze(1);
        using var draws = Normal(4000, 8, 3, seed: 3);
        double Score(double s)
        {
            using var scaled = draws * s;
            using var score = EnergyScore.Estimate(scaled, truth);
            return score.item<float>();
        }
        double right = Score(1.0), narrow = Score(0.7), wide = Score(1.4);
        Assert.True(right < narrow && right < wide, $"ES(s=1) = {right}, ES(0.7) = {narrow}, ES(1.4) = {wide}");
    }

    [Fact]
    public void The_two_sample_form_equals_the_general_one_and_is_zero_for_a_point_mass_at_the_truth()
    {
        using var a = tensor(new float[] { 0, 0, 3, 4 }).reshape(2, 2);
        using var b = tensor(new float[] { 0, 0, 0, 0 }).reshape(2, 2);
        using var theta = zeros(2, 2);
        using var pair = EnergyScore.Estimate(a, b, theta);
        using var stacked = EnergyScore.Estimate(stack([a, b], 1), theta);
        // Row 1: both draws at θ, score 0. Row 2: ½(5 + 0) − ½·5 = 0. Mean 0.
        Assert.Equal(0.0, pair.item<float>(), 5);
        Assert.Equal(pair.item<float>(), stacked.item<float>(), 6);
        using var shifted = tensor(new float[] { 1, 0, 1, 0 }).reshape(2, 2);
        using var score = EnergyScore.Estimate(shifted, shifted.clone(), theta);
        Assert.Equal(1.0, score.item<float>(), 5);
    }

    [Fact]
    public void Bad_shapes_are_named()
    {
        using var samples = zeros(4, 1, 2);
        using var theta = zeros(4, 2);
        var e = Assert.Throws<ArgumentException>(() => EnergyScore.Estimate(samples, theta));
        Assert.Contains("at least 2 samples", e.Message);
        using var wrong = zeros(4, 3);
        using var two = zeros(4, 2, 2);
        e = Assert.Throws<ArgumentException>(() => EnergyScore.Estimate(two, wrong));
        Assert.Contains("[4, 2, 2]", e.Message);
    }
}
