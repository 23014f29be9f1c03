using Gatsbi.Distributions;
using Gatsbi.Inference.Mcmc;
using Gatsbi.Inference.Reference;
using Gatsbi.Tests.Core;
using Xunit.Abstractions;

namespace Gatsbi.Tests.Inference;

[Collection(TorchCollection.Name)]
public sealed class ReferenceSamplerTests(ITestOutputHelper output) : TorchTest
{
    /// <summary>Budgets small enough for a unit test: 2,000 MCMC draws, a flow trained for at most 30 epochs, 2,000 samples.</summary>
    private static readonly ReferenceSamplerOptions Small = new()
    {
        Samples = 2_000,
        McmcSamples = 2_000,
        Mcmc = new SliceSamplerOptions { Chains = 2, WarmupSweeps = 200, Thin = 2 },
        Flow = new ReferenceSamplerOptions().Flow with { MaxEpochs = 30 },
        BatchSize = 2_000,
        SearchPatience = 5,
        StartDraws = 5_000,
    };

    private static double[] Column(float[,] samples, int j) =>
        Enumerable.Range(0, samples.GetLength(0)).Select(i => (double)samples[i, j]).ToArray();

    private static (double Mean, double Variance) Moments(double[] values)
    {
        double mean = values.Average();
        return (mean, values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }

    private void Report(ReferenceSamplerResult result) =>
        output.WriteLine($"acceptance {result.AcceptanceRate:P1}, log M {result.LogBound:F3}, {result.Restarts} restarts, "
                         + $"flow {result.Flow.Epochs} epochs, {result.LikelihoodEvaluations:N0} likelihood evaluations, {result.Elapsed.TotalSeconds:F1} s");

    /// <summary>
    /// A conjugate Gaussian: prior N(0, I₂), one observation x = (1, −0.5) with noise variance 0.25, so the posterior
    /// is N(0.8·x, 0.2·I). With 2,000 independent samples the standard error of each mean is 0.01 and of each
    /// variance 0.0063 (√(2/n)·0.2); ±0.05 and ±0.03 are five of them.
    /// </summary>
    [Fact]
    public void Samples_a_conjugate_gaussian_posterior_exactly()
    {
        double[] x = [1, -0.5];
        LogLikelihoodFunction likelihood = theta =>
            -((theta[0] - x[0]) * (theta[0] - x[0]) + (theta[1] - x[1]) * (theta[1] - x[1])) / (2 * 0.25);
        var prior = MultivariateNormal.Isotropic([0, 0], 1);
        var result = new ReferenceSampler(Small).Sample(prior, likelihood, [0.8f, -0.4f], seed: 1);
        Report(result);
        Assert.Equal((2_000, 2), (result.Samples.GetLength(0), result.Samples.GetLength(1)));
        for (int j = 0; j < 2; j++)
        {
            var (mean, variance) = Moments(Column(result.Samples, j));
            Assert.InRange(mean, 0.8 * x[j] - 0.05, 0.8 * x[j] + 0.05);
            Assert.InRange(variance, 0.2 - 0.03, 0.2 + 0.03);
        }
    }

    /// <summary>
    /// A bounded prior: U(0, 1) with the likelihood θ³(1 − θ) gives the Beta(4, 2) posterior, mean 2/3 and variance
    /// 8/252 ≈ 0.0317, with mass up against the upper bound: the samples stay inside (0, 1) and match both moments.
    /// With 2,000 samples the mean's standard error is 0.004 and the variance's about 0.0008; ±0.02 and ±0.005 are
    /// five and six of them. A sampler that forgot the Jacobian of the logistic map would draw Beta(3, 1) instead
    /// (mean 0.75).
    /// </summary>
    [Fact]
    public void Respects_a_bounded_support_through_the_unbounded_space()
    {
        LogLikelihoodFunction likelihood = theta => 3 * Math.Log(theta[0]) + Math.Log(1 - theta[0]);
        var result = new ReferenceSampler(Small).Sample(new BoxUniform(1, 0, 1), likelihood, [0.6f], seed: 2);
        Report(result);
        var values = Column(result.Samples, 0);
        Assert.All(values, v => Assert.InRange(v, 0, 1));
        var (mean, variance) = Moments(values);
        Assert.InRange(mean, 2.0 / 3 - 0.02, 2.0 / 3 + 0.02);
        Assert.InRange(variance, 8.0 / 252 - 0.005, 8.0 / 252 + 0.005);
    }

    /// <summary>
    /// Two well-separated modes of equal mass, at ±3 with standard deviation 0.2, under a N(0, 3²) prior. Every MCMC
    /// chain starts in the right mode (no resampled starts) and cannot cross: the density between the modes is e⁻¹¹² of the peak, far below
    /// any slice level, and stepping out stops inside the mode, so the flow learns only that one. The prior's
    /// share of the proposal still covers the left mode and rejection sampling weighs it correctly: half the
    /// samples fall left of 0. With 1,000 samples the share's standard error is 0.016; ±0.07 is 4.4 of them, and
    /// a sampler that trusted the flow would put almost none there.
    /// </summary>
    /// <summary>The likelihood that turns a N(0, 3²) prior into ½·N(−3, 0.2²) + ½·N(3, 0.2²): the posterior over the prior.</summary>
    private static double TwoModes(ReadOnlySpan<float> theta)
    {
        double t = theta[0];
        double left = -(t + 3) * (t + 3) / (2 * 0.04), right = -(t - 3) * (t - 3) / (2 * 0.04);
        double max = Math.Max(left, right);
        return max + Math.Log(Math.Exp(left - max) + Math.Exp(right - max)) + t * t / 18;
    }

    [Fact]
    public void Recovers_a_mode_the_mcmc_never_visited_through_the_prior_component()
    {
        var prior = MultivariateNormal.Isotropic([0], 9);
        var result = new ReferenceSampler(Small with { Samples = 1_000, StartDraws = 0 }).Sample(prior, TwoModes, [3f], seed: 3);
        Report(result);
        var mcmcLeft = Column(result.Mcmc.Samples, 0).Count(v => v < 0);
        Assert.Equal(0, mcmcLeft);
        double leftShare = Column(result.Samples, 0).Count(v => v < 0) / 1_000.0;
        output.WriteLine($"share left of 0: {leftShare:F3}");
        Assert.InRange(leftShare, 0.43, 0.57);
    }

    /// <summary>
    /// The same two modes with chains started at prior draws resampled by likelihood: of 8 chains, the first starts at
    /// +3 and each of the other 7 lands in either mode with probability ½, so both modes get chains unless all 7 pick
    /// the right one (probability 1/128). The flow then covers both, and the acceptance rate is far above the 0.7 %
    /// of the run whose chains all started in one mode (a bound M ≈ 124 there; both covered, M is a few).
    /// </summary>
    [Fact]
    public void Chains_started_at_resampled_prior_draws_find_both_modes()
    {
        var options = Small with { Samples = 1_000, Mcmc = Small.Mcmc with { Chains = 8 } };
        var result = new ReferenceSampler(options).Sample(MultivariateNormal.Isotropic([0], 9), TwoModes, [3f], seed: 3);
        Report(result);
        double mcmcLeft = Column(result.Mcmc.Samples, 0).Count(v => v < 0) / (double)result.Mcmc.Samples.GetLength(0);
        output.WriteLine($"MCMC share left of 0: {mcmcLeft:F3}");
        Assert.InRange(mcmcLeft, 0.05, 0.95);
        Assert.True(result.AcceptanceRate > 0.1, $"acceptance {result.AcceptanceRate:P2}");
        double leftShare = Column(result.Samples, 0).Count(v => v < 0) / 1_000.0;
        Assert.InRange(leftShare, 0.43, 0.57);
    }

    /// <summary>The likelihoods of a batch run in parallel, row by row: one thread or two give the same samples.</summary>
    [Fact]
    public void The_same_seed_gives_the_same_samples_whatever_the_thread_count()
    {
        LogLikelihoodFunction likelihood = theta => -(theta[0] - 0.3) * (theta[0] - 0.3) / 0.02;
        var options = Small with { Samples = 300, McmcSamples = 500, BatchSize = 500, Flow = Small.Flow with { MaxEpochs = 5 } };
        var one = new ReferenceSampler(options with { MaxThreads = 1 }).Sample(new BoxUniform(1, -1, 1), likelihood, [0.3f], seed: 4);
        var two = new ReferenceSampler(options with { MaxThreads = 2 }).Sample(new BoxUniform(1, -1, 1), likelihood, [0.3f], seed: 4);
        Assert.Equal(one.Samples.AsSpan().ToArray(), two.Samples.AsSpan().ToArray());
        var other = new ReferenceSampler(options).Sample(new BoxUniform(1, -1, 1), likelihood, [0.3f], seed: 5);
        Assert.NotEqual(one.Samples.AsSpan().ToArray(), other.Samples.AsSpan().ToArray());
    }

    /// <summary>
    /// The proposal's Student-t (3 degrees of freedom) at draws of N(2, 0.5²): its density integrates to 1 (a
    /// midpoint rule over ±1,000 scale units, beyond which t₃ has 10⁻⁹ of its mass), and 20,000 of its draws fall
    /// within one scale of the centre as often as t₃ says, 2·F(1) − 1 = 0.6090, within 0.015 (four standard
    /// errors of 0.0035).
    /// </summary>
    [Fact]
    public void The_proposals_student_t_is_a_normalised_t3_at_the_draws_moments()
    {
        var rng = new Gatsbi.Randomness.Rng(8);
        var draws = new float[50_000, 1];
        for (int i = 0; i < draws.GetLength(0); i++) draws[i, 0] = (float)rng.Normal(2, 0.5);
        var t = new StudentTProposal(draws);
        double integral = 0, step = 0.005;
        for (double v = 2 - 500; v < 2 + 500; v += step) integral += Math.Exp(t.LogDensity([v + step / 2])) * step;
        Assert.InRange(integral, 0.995, 1.005);
        int within = 0;
        var u = new float[1];
        for (int i = 0; i < 20_000; i++)
        {
            t.Sample(rng, u);
            if (Math.Abs(u[0] - 2) < 0.5) within++;
        }
        output.WriteLine($"∫ t = {integral:F5}; share within one scale {within / 20_000.0:F4}");
        Assert.InRange(within / 20_000.0, 0.609 - 0.015, 0.609 + 0.015);
    }

    [Fact]
    public void Rejects_a_prior_without_a_density()
    {
        var prior = new EmpiricalPrior(new float[,] { { 0f }, { 1f } });
        var error = Assert.Throws<ArgumentException>(() => new ReferenceSampler(Small).Sample(prior, _ => 0, [0.5f], seed: 1));
        Assert.Contains("no density", error.Message);
    }

    [Fact]
    public void Rejects_a_start_outside_the_support()
    {
        var error = Assert.Throws<ArgumentException>(() => new ReferenceSampler(Small).Sample(new BoxUniform(1, 0, 1), _ => 0, [1.5f], seed: 1));
        Assert.Contains("support", error.Message);
    }

    [Fact]
    public void A_likelihood_that_returns_nan_is_named_with_its_parameters()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            new ReferenceSampler(Small).Sample(new BoxUniform(1, 0, 1), theta => theta[0] > 0.7 ? double.NaN : 0, [0.5f], seed: 1));
        Assert.Contains("NaN", error.Message);
    }

    [Fact]
    public void Invalid_options_name_the_setting()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new ReferenceSampler(Small with { PriorWeight = 1 }).Sample(new BoxUniform(1, 0, 1), _ => 0, [0.5f], seed: 1));
        Assert.Contains("PriorWeight", error.Message);
    }
}
