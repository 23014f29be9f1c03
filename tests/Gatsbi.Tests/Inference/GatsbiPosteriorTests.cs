using Gatsbi.Distributions;
using Gatsbi.Nn;
using Gatsbi.Posteriors;
using Gatsbi.Tests.Core;
using static TorchSharp.torch;

namespace Gatsbi.Tests.Inference;

[Collection(TorchCollection.Name)]
public sealed class GatsbiPosteriorTests : TorchTest
{
    private static readonly float[] Observation = [0.3f, -0.2f, 0.5f];

    /// <summary>An untrained generator x (3) → θ (2); its output spread comes from the AddNoise layer.</summary>
    private static ConditionalGenerator NewGenerator()
    {
        manual_seed(11);
        return new ConditionalGenerator(3, 2, new GeneratorSpec([16, 16], NoiseAfterLayer: 1, LatentDimension: null, LeakyOutput: false));
    }

    private static float Median(IEnumerable<float> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    [Fact]
    public void Without_a_support_every_proposal_is_accepted()
    {
        using var posterior = new GatsbiPosterior(NewGenerator(), support: null);
        var s = posterior.Sample(Observation, 500, seed: 1);
        Assert.Equal(500, s.Count);
        Assert.Equal(500, s.Drawn);
        Assert.Equal(0, s.Rejected);
        Assert.True(s.Complete);
        Assert.Equal(1.0, s.AcceptanceRate);
        Assert.Equal(new[] { 500, 2 }, new[] { s.Samples.GetLength(0), s.Samples.GetLength(1) });
    }

    [Fact]
    public void Samples_outside_the_support_are_rejected_counted_and_redrawn()
    {
        using var generator = NewGenerator();
        using var free = new GatsbiPosterior(generator, support: null);
        // A support that cuts θ₁ at the median of the unrestricted samples removes half the mass.
        var reference = free.Sample(Observation, 20_000, seed: 99).Samples;
        float median = Median(Enumerable.Range(0, 20_000).Select(i => reference[i, 0]));
        var half = new Support([median, float.NegativeInfinity], [float.PositiveInfinity, float.PositiveInfinity]);
        var restricted = new GatsbiPosterior(generator, half);

        const int n = 2000;
        var s = restricted.Sample(Observation, n, seed: 5);

        Assert.True(s.Complete);
        Assert.Equal(n, s.Count);
        Assert.Equal(s.Drawn - n, s.Rejected);
        for (int i = 0; i < n; i++) Assert.True(half.Contains(s.Samples.Row(i)), $"sample {i} is outside the support");
        // Acceptance ≈ 0.5: the median estimate from 20,000 draws moves it by < 0.01, the binomial SE over
        // the ≈ 4,000 proposals is ≈ 0.008; 0.44..0.56 is more than 5 SE.
        Assert.InRange(s.AcceptanceRate, 0.44, 0.56);

        // The first pass proposes exactly the n rows an unrestricted sampler with the same seed draws; the
        // accepted samples start with those of them that lie inside the support, in order.
        var firstPass = free.Sample(Observation, n, seed: 5).Samples;
        var inside = Enumerable.Range(0, n).Where(i => half.Contains(firstPass.Row(i))).ToArray();
        Assert.True(s.Rejected >= n - inside.Length);
        for (int k = 0; k < inside.Length; k++)
            Assert.Equal(firstPass.Row(inside[k]).ToArray(), s.Samples.Row(k).ToArray());
    }

    [Fact]
    public void The_draw_cap_ends_sampling_with_an_incomplete_result()
    {
        using var generator = NewGenerator();
        // A tiny box far from where the generator puts its mass: nothing is ever accepted.
        var impossible = new Support([1000f, 1000f], [1000.001f, 1000.001f]);
        var posterior = new GatsbiPosterior(generator, impossible) { MaxDrawFactor = 3 };
        var s = posterior.Sample(Observation, 100, seed: 2);
        Assert.False(s.Complete);
        Assert.Equal(0, s.Count);
        Assert.Equal(100, s.Requested);
        Assert.Equal(300, s.Drawn);
        Assert.Equal(300, s.Rejected);
        Assert.Equal(0.0, s.AcceptanceRate);
    }

    [Fact]
    public void A_rare_support_returns_what_was_accepted_before_the_cap()
    {
        using var generator = NewGenerator();
        using var free = new GatsbiPosterior(generator, support: null);
        var reference = free.Sample(Observation, 20_000, seed: 99).Samples;
        // Keep only the top ~2% of θ₁: 10 × 200 proposals accept ≈ 40, far fewer than 200.
        var sorted = Enumerable.Range(0, 20_000).Select(i => reference[i, 0]).Order().ToArray();
        var rare = new Support([sorted[19_600], float.NegativeInfinity], [float.PositiveInfinity, float.PositiveInfinity]);
        var s = new GatsbiPosterior(generator, rare).Sample(Observation, 200, seed: 4);
        Assert.False(s.Complete);
        Assert.InRange(s.Count, 1, 199);
        Assert.True(s.Drawn >= 2000);
        Assert.Equal(s.Drawn - s.Count, s.Rejected);
    }

    [Fact]
    public void Same_seed_same_samples_and_training_mode_is_restored()
    {
        using var generator = NewGenerator();
        generator.train();
        var posterior = new GatsbiPosterior(generator, Support.Box(2, -50f, 50f));
        var a = posterior.Sample(Observation, 300, seed: 8).Samples;
        Assert.True(generator.training);
        var b = posterior.Sample(Observation, 300, seed: 8).Samples;
        var c = posterior.Sample(Observation, 300, seed: 9).Samples;
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        generator.eval();
        posterior.Sample(Observation, 10, seed: 8);
        Assert.False(generator.training);
    }

    [Fact]
    public void Zero_samples_is_a_complete_empty_result()
    {
        using var posterior = new GatsbiPosterior(NewGenerator(), Support.Box(2, -1f, 1f));
        var s = posterior.Sample(Observation, 0, seed: 1);
        Assert.Equal(0, s.Count);
        Assert.True(s.Complete);
        Assert.Equal(0, s.Drawn);
    }

    [Fact]
    public void Bad_observations_and_counts_are_rejected()
    {
        using var posterior = new GatsbiPosterior(NewGenerator(), null);
        var wrongLength = Assert.Throws<ArgumentException>(() => posterior.Sample([1f, 2f], 10, 1));
        Assert.Contains("2 values", wrongLength.Message);
        Assert.Contains("dimension 3", wrongLength.Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => posterior.Sample([1f, float.NaN, 0f], 10, 1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => posterior.Sample(Observation, -1, 1));
    }

    [Fact]
    public void The_support_must_match_the_parameter_dimension()
    {
        using var generator = NewGenerator();
        var e = Assert.Throws<ArgumentException>(() => new GatsbiPosterior(generator, Support.Box(3, -1f, 1f)));
        Assert.Contains("dimension 3", e.Message);
        var posterior = new GatsbiPosterior(generator, null);
        Assert.Equal(2, posterior.ParameterDimension);
        Assert.Equal(3, posterior.DataDimension);
    }
}
