using Gatsbi.Diagnostics;
using Gatsbi.Distributions;
using Gatsbi.Posteriors;
using Gatsbi.Randomness;
using Xunit.Abstractions;

namespace Gatsbi.Tests.Diagnostics;

public sealed class EnergyScoreSkillTests(ITestOutputHelper output)
{
    private static EnergyScoreSkill Skill(IPosterior posterior) =>
        EnergyScoreSkill.Compute(posterior, ConjugateGaussian.Prior, ConjugateGaussian.Simulator, pairs: 2_000, draws: 16, seed: 1);

    /// <summary>
    /// For a calibrated forecast N(μ, σ²I₂) the expected energy score is ½E‖S − S′‖ = (√π / 2)σ, and the prior
    /// N(0, I₂) is calibrated too (θ is drawn from it), so the exact posterior's skill is 1 − σ_post / σ_prior =
    /// 1 − √0.2 = 0.553, and the prior's own is 0. Over 2,000 pairs the per-pair scores (sd ≈ 0.5σ) average to
    /// within about 0.01 of their means, so ±0.03 is three standard errors of the ratio.
    /// </summary>
    [Fact]
    public void The_exact_posterior_scores_its_closed_form_skill_and_the_prior_none()
    {
        var exact = Skill(ConjugateGaussian.Posterior());
        var prior = Skill(new PriorAsPosterior(ConjugateGaussian.Prior));
        output.WriteLine($"exact: {exact}, skill {exact.Skill:F4}; prior: skill {prior.Skill:F4}");
        Assert.InRange(exact.Skill, 1 - Math.Sqrt(0.2) - 0.03, 1 - Math.Sqrt(0.2) + 0.03);
        Assert.InRange(prior.Skill, -0.03, 0.03);
        Assert.Equal(exact.PriorScore, prior.PriorScore); // same pairs, same baseline draws
    }

    /// <summary>
    /// The score is proper: too narrow, too wide and shifted posteriors all score below the exact one. Their
    /// expected gaps are 8 % (σ × 0.5), 16 % (σ × 2) and 12 % (shift of 1σ) of the exact score; the same pairs and
    /// seeds are used for all, so the gaps are estimated far more precisely than the scores.
    /// </summary>
    [Theory]
    [InlineData(0.5, 0.0)]
    [InlineData(2.0, 0.0)]
    [InlineData(1.0, 1.0)]
    public void A_miscalibrated_posterior_has_less_skill_than_the_exact_one(double stdScale, double shiftInStds)
    {
        double exact = Skill(ConjugateGaussian.Posterior()).Skill;
        double wrong = Skill(ConjugateGaussian.Posterior(stdScale, shiftInStds)).Skill;
        output.WriteLine($"exact {exact:F4}, σ × {stdScale} shifted {shiftInStds}σ: {wrong:F4}");
        Assert.True(wrong < exact - 0.02, $"skill {wrong:F4} for σ × {stdScale}, shift {shiftInStds}σ; exact {exact:F4}");
    }

    [Fact]
    public void The_single_row_estimate_is_the_unbiased_energy_score()
    {
        // Samples 0 and 2 in one dimension around θ = 1: E‖S − θ‖ = 1, ½E‖S − S′‖ over the one distinct pair = 1.
        Assert.Equal(0.0, EnergyScoreSkill.Score(new float[,] { { 0 }, { 2 } }, [1f], [1.0]), 12);
        // At θ = 0: E‖S − θ‖ = 1, minus 1 → 0 as well; at θ = 3: (3 + 1) / 2 − 1 = 1. A scale of 2 halves it.
        Assert.Equal(1.0, EnergyScoreSkill.Score(new float[,] { { 0 }, { 2 } }, [3f], [1.0]), 12);
        Assert.Equal(0.5, EnergyScoreSkill.Score(new float[,] { { 0 }, { 2 } }, [3f], [2.0]), 12);
    }

    [Fact]
    public void Too_few_pairs_or_draws_are_refused()
    {
        var posterior = ConjugateGaussian.Posterior();
        Assert.Contains("at least 2 pairs", Assert.Throws<ArgumentOutOfRangeException>(() =>
            EnergyScoreSkill.Compute(posterior, ConjugateGaussian.Prior, ConjugateGaussian.Simulator, pairs: 1, draws: 8, seed: 1)).Message);
        Assert.Contains("at least 2 draws", Assert.Throws<ArgumentOutOfRangeException>(() =>
            EnergyScoreSkill.Compute(posterior, ConjugateGaussian.Prior, ConjugateGaussian.Simulator, pairs: 8, draws: 1, seed: 1)).Message);
    }

    /// <summary>A "posterior" that ignores x: what a method that learnt nothing returns.</summary>
    private sealed class PriorAsPosterior(IPrior prior) : IPosterior
    {
        public int ParameterDimension => prior.Dimension;
        public int DataDimension => ConjugateGaussian.Dimension;

        public PosteriorSamples Sample(ReadOnlySpan<float> observation, int count, ulong seed) =>
            new(prior.Sample(count, new Rng(seed)), count, count, 0);
    }
}
