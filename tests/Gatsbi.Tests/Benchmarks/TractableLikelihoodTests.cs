using Gatsbi.Benchmarks;
using Gatsbi.Benchmarks.Tasks;
using Gatsbi.Distributions;
using Gatsbi.Inference.Mcmc;
using Gatsbi.Numerics;
using Gatsbi.Randomness;
using Gatsbi.Simulation;
using Xunit.Abstractions;

namespace Gatsbi.Tests.Benchmarks;

public sealed class TractableLikelihoodTests(ITestOutputHelper output)
{
    public static TheoryData<string> Tractable => new(
        "two_moons", "slcp", "gaussian_linear", "gaussian_linear_uniform", "gaussian_mixture",
        "sir", "lotka_volterra", "bernoulli_glm_raw", "slcp_distractors");

    private static (BenchmarkTask Task, ITractableLikelihood Likelihood) Get(string name)
    {
        var task = TaskRegistry.Get(name);
        return (task, Assert.IsAssignableFrom<ITractableLikelihood>(task));
    }

    /// <summary>
    /// The likelihood agrees with the simulator: simulated x is more likely under the θ that made it than under the
    /// next pair's θ (another prior draw) in at least 90 % of 200 pairs. The hardest case is gaussian_linear, where
    /// the other θ loses with probability about 0.94 (the squared-distance gap has mean 2 and sd 1.3 in units of
    /// the noise variance), so 20 or more losses of 200 are 2.7 sd above the expected 11.
    /// </summary>
    [Theory]
    [MemberData(nameof(Tractable))]
    public void Simulated_data_is_most_likely_under_the_parameters_that_made_it(string name)
    {
        var (task, likelihood) = Get(name);
        var data = new SimulationRunner().Run(task.Prior, task.Simulator, 201, seed: 5);
        int wins = 0;
        for (int i = 0; i < 200; i++)
        {
            double own = likelihood.LogLikelihood(data.Theta.Row(i), data.X.Row(i));
            double other = likelihood.LogLikelihood(data.Theta.Row(i + 1), data.X.Row(i));
            Assert.True(double.IsFinite(own), $"{name}: log p(x | θ) = {own} for simulation {i + 1}");
            if (own > other) wins++;
        }
        output.WriteLine($"{name}: the true θ wins {wins} of 200");
        Assert.True(wins >= 180, $"{name}: the true θ was more likely in only {wins} of 200 pairs");
    }

    /// <summary>
    /// Normalised over x: for the two tasks with two-dimensional x, a midpoint rule over a grid that holds all but
    /// a negligible part of the mass integrates exp(log p(x | θ)) to 1 within 0.5 % (the grids resolve the
    /// narrowest scale, two_moons' radius sd of 0.01 and the mixture's sd of 0.1, with 20 points or more).
    /// </summary>
    [Theory]
    [InlineData("two_moons", 0.15, 0.0005)]
    [InlineData("gaussian_mixture", 8.0, 0.005)]
    public void The_likelihood_integrates_to_one_over_x(string name, double halfWidth, double step)
    {
        var (task, likelihood) = Get(name);
        float[][] thetas = name == "two_moons" ? [[0.3f, -0.6f], [-0.9f, 0.2f], [0f, 0f]] : [[1f, -2f], [-9f, 5f], [0f, 0f]];
        foreach (var theta in thetas)
        {
            // Centre the grid on where x falls: two_moons' ring centre, the mixture's θ.
            var centre = name == "two_moons"
                ? new[] { 0.25 - Math.Abs(theta[0] + theta[1]) / Math.Sqrt(2), (theta[1] - theta[0]) / Math.Sqrt(2) }
                : new[] { (double)theta[0], theta[1] };
            int n = (int)Math.Round(2 * halfWidth / step);
            double sum = 0;
            var x = new float[2];
            for (int a = 0; a < n; a++)
                for (int b = 0; b < n; b++)
                {
                    x[0] = (float)(centre[0] - halfWidth + (a + 0.5) * step);
                    x[1] = (float)(centre[1] - halfWidth + (b + 0.5) * step);
                    sum += Math.Exp(likelihood.LogLikelihood(theta, x));
                }
            double integral = sum * step * step;
            output.WriteLine($"{name}, θ = ({theta[0]}, {theta[1]}): ∫ p(x | θ) dx = {integral:F5}");
            Assert.InRange(integral, 0.995, 1.005);
        }
    }

    /// <summary>
    /// Bayes' rule holds exactly for gaussian_linear, whose prior, likelihood, posterior N(x/2, 0.05·I) and evidence
    /// N(x; 0, 0.2·I) are all known: log prior + log likelihood − log posterior equals the log evidence at every θ.
    /// Any missing normalising term in θ would make the difference vary with θ.
    /// </summary>
    [Fact]
    public void Gaussian_linear_obeys_bayes_rule_with_every_normalising_term()
    {
        var task = new GaussianLinear();
        var x = task.Observation(1);
        var prior = (IDensity)task.Prior;
        var posterior = MultivariateNormal.Isotropic(x.Select(v => v / 2.0).ToArray(), 0.05);
        double evidence = MultivariateNormal.Isotropic(new double[10], 0.2).LogDensity(x);
        var draws = task.Prior.Sample(5, new Randomness.Rng(3));
        for (int i = 0; i < 5; i++)
        {
            var theta = draws.Row(i);
            double difference = prior.LogDensity(theta) + task.LogLikelihood(theta, x) - posterior.LogDensity(theta);
            Assert.Equal(evidence, difference, 6);
        }
    }

    /// <summary>slcp's likelihood is the product of four bivariate normals N((θ₁, θ₂), Σ(θ)), here computed independently.</summary>
    [Fact]
    public void Slcp_is_four_bivariate_normals()
    {
        var task = new Slcp();
        var theta = new[] { 0.7f, -1.2f, 0.9f, -0.4f, 1.1f };
        var x = task.Observation(2);
        var (s11, s12, s22) = Slcp.Covariance(theta);
        var normal = new MultivariateNormal([theta[0], theta[1]], new[,] { { s11, s12 }, { s12, s22 } });
        double expected = 0;
        for (int k = 0; k < 4; k++) expected += normal.LogDensity(x.AsSpan(2 * k, 2));
        Assert.Equal(expected, ((ITractableLikelihood)task).LogLikelihood(theta, x), 8);
    }

    /// <summary>
    /// The slice sampler on gaussian_linear's exact unnormalised posterior (prior × likelihood) reproduces the
    /// closed form N(x/2, 0.05·I) for observation 1: 4,000 draws thinned by 2 from 4 chains give an effective sample
    /// size in the thousands, a standard error of the mean of about 0.004 per coordinate; ±0.03 on each mean and
    /// ±15 % on each variance are seven and five of them. This is the MCMC stage of the reference generator.
    /// </summary>
    [Fact]
    public void Slice_sampling_the_exact_posterior_recovers_the_closed_form()
    {
        var task = new GaussianLinear();
        var x = task.Observation(1);
        var prior = (IDensity)task.Prior;
        LogDensityFunction logPosterior = point =>
        {
            Span<float> theta = stackalloc float[10];
            for (int j = 0; j < 10; j++) theta[j] = (float)point[j];
            return prior.LogDensity(theta) + task.LogLikelihood(theta, x);
        };
        var start = task.TrueParameters(1).Select(v => (double)v).ToArray();
        var result = new SliceSampler(new SliceSamplerOptions { Chains = 4, WarmupSweeps = 100, Thin = 2 }).Sample(logPosterior, start, 4_000, seed: 1);
        output.WriteLine($"{result.EvaluationsPerSample:F0} evaluations per draw, {result.Elapsed.TotalSeconds:F2} s");
        for (int j = 0; j < 10; j++)
        {
            var column = Enumerable.Range(0, 4_000).Select(i => (double)result.Samples[i, j]).ToArray();
            double mean = column.Average();
            double variance = column.Sum(v => (v - mean) * (v - mean)) / 3_999;
            Assert.InRange(mean, x[j] / 2 - 0.03, x[j] / 2 + 0.03);
            Assert.InRange(variance, 0.05 * 0.85, 0.05 * 1.15);
        }
    }

    /// <summary>
    /// A normalised likelihood is in particular one up to a term in x, so <see cref="IUnnormalisedLikelihood.LogLikelihoodUpToData"/>
    /// may differ from <see cref="ITractableLikelihood.LogLikelihood"/> only by a term in x. At observation 1 and the true
    /// parameters of observations 1..5, the difference is exactly 0 for every tractable task but slcp_distractors, which
    /// drops the θ-free distractor density (the same value, to double rounding of the sums, at every θ).
    /// bernoulli_glm_raw inherits a public implementation that reads x as a summary, so this also catches a subclass that
    /// forgets to override it.
    /// </summary>
    [Theory]
    [MemberData(nameof(Tractable))]
    public void The_likelihood_up_to_data_of_a_tractable_task_differs_from_the_normalised_one_by_a_term_in_x(string name)
    {
        var (task, likelihood) = Get(name);
        var x = task.Observation(1);
        var differences = new double[5];
        double magnitude = 0;
        for (int number = 1; number <= 5; number++)
        {
            var theta = task.TrueParameters(number);
            double normalised = likelihood.LogLikelihood(theta, x), upToData = ((IUnnormalisedLikelihood)task).LogLikelihoodUpToData(theta, x);
            Assert.True(double.IsFinite(normalised) && double.IsFinite(upToData), $"{name}, θ_true of observation {number}: {normalised}, {upToData}");
            differences[number - 1] = normalised - upToData;
            magnitude = Math.Max(magnitude, Math.Abs(normalised) + Math.Abs(upToData));
        }
        output.WriteLine($"{name}: log p(x | θ) − (log p(x | θ) + c(x)) = {differences[0]} (range {differences.Max() - differences.Min():E1})");
        if (name != "slcp_distractors") Assert.All(differences, d => Assert.Equal(0, d));
        // Two sums rounded to half an ulp (2⁻⁵³ relative) each: a few 2⁻⁵² of the magnitude, 8 allowed.
        else Assert.InRange(differences.Max() - differences.Min(), 0, 8 * magnitude * Math.ScaleB(1, -52));
    }

    /// <summary>
    /// bernoulli_glm's summary likelihood is known only up to a term in x, so it is an <see cref="IUnnormalisedLikelihood"/>
    /// and not an <see cref="ITractableLikelihood"/>, while bernoulli_glm_raw is both. For one simulated spike train y and
    /// its summary s = Xᵀy, log p(y | θ) (raw, normalised) minus θ·s − Σ log(1 + e^ψ) (summary) must not depend on θ:
    /// in exact arithmetic it is 0, and what remains is s rounded to float32, at most half an ulp per entry, so over ten
    /// prior draws of θ the difference may move by Σⱼ |θⱼ|·ulp(sⱼ)/2 from its value at the first θ (plus 1e−9 of double
    /// rounding). The log-likelihoods themselves move by much more than that across θ (checked), so a missing or wrong
    /// term in θ on either side fails.
    /// </summary>
    [Fact]
    public void Bernoulli_glm_summary_likelihood_differs_from_the_raw_one_by_a_term_in_x_alone()
    {
        var summaryTask = TaskRegistry.Get("bernoulli_glm");
        var rawTask = TaskRegistry.Get("bernoulli_glm_raw");
        Assert.False(summaryTask is ITractableLikelihood);
        var summaryLikelihood = Assert.IsAssignableFrom<IUnnormalisedLikelihood>(summaryTask);
        var raw = Assert.IsAssignableFrom<ITractableLikelihood>(rawTask);

        var spikes = new SimulationRunner().Run(rawTask.Prior, rawTask.Simulator, 1, seed: 17).X.Row(0).ToArray();
        Assert.All(spikes, v => Assert.True(v is 0f or 1f));
        var summary = new float[BernoulliGlm.ParameterCount];
        BernoulliGlm.Summarise(spikes, summary);
        Assert.InRange(summary[0], 1, 99); // a train with spikes and silences, so that the test has something to compare

        var thetas = rawTask.Prior.Sample(10, new Rng(23));
        double first = 0, firstRounding = 0, lowest = double.PositiveInfinity, highest = double.NegativeInfinity;
        for (int i = 0; i < 10; i++)
        {
            var theta = thetas.Row(i);
            double normalised = raw.LogLikelihood(theta, spikes);
            double difference = normalised - summaryLikelihood.LogLikelihoodUpToData(theta, summary);
            double rounding = RoundingBound(theta, summary);
            output.WriteLine($"θ {i}: log p(y | θ) = {normalised:F4}, difference {difference:E3} (rounding bound {rounding:E2})");
            if (i == 0) (first, firstRounding) = (difference, rounding);
            else Assert.InRange(difference, first - firstRounding - rounding, first + firstRounding + rounding);
            lowest = Math.Min(lowest, normalised);
            highest = Math.Max(highest, normalised);
        }
        Assert.True(highest - lowest > 1, $"log p(y | θ) ranges only over [{lowest}, {highest}]; the comparison would be vacuous");

        // Off the support: a spike train with a value other than 0 or 1, a summary whose spike count is not a count.
        var half = (float[])spikes.Clone();
        half[10] = 0.5f;
        Assert.Equal(double.NegativeInfinity, raw.LogLikelihood(thetas.Row(0), half));
        var fractional = (float[])summary.Clone();
        fractional[0] += 0.5f;
        Assert.Equal(double.NegativeInfinity, summaryLikelihood.LogLikelihoodUpToData(thetas.Row(0), fractional));
    }

    /// <summary>Σⱼ |θⱼ|·ulp(sⱼ)/2 + 1e−9: how far float32 rounding of the summary s can move θ·s, plus double rounding.</summary>
    private static double RoundingBound(ReadOnlySpan<float> theta, float[] summary)
    {
        double sum = 1e-9;
        for (int j = 0; j < summary.Length; j++)
            sum += Math.Abs(theta[j]) * (MathF.BitIncrement(Math.Abs(summary[j])) - Math.Abs(summary[j])) / 2.0;
        return sum;
    }

    /// <summary>
    /// sir is the product of ten Binomial(1000, pₖ) masses, here computed independently by the recursion
    /// P(0) = (1 − p)¹⁰⁰⁰, P(j + 1) = P(j)·(1000 − j)/(j + 1)·p/(1 − p) (no log-Gamma), with pₖ from the noise-free
    /// infected and PyTorch's clamp to [2⁻²³, 1 − 2⁻²³]. At observation 1 and its θ_true, with the count of the
    /// component with the largest p run over all 1001 values and the others held, the log-likelihood must equal the
    /// recursion's to 1e−9 relative (rounding of a thousand-step recursion and of log-Gamma), and so sums to one over
    /// that count. A missing log Γ(1001) alone would be off by 5912.
    /// </summary>
    [Fact]
    public void Sir_likelihood_is_the_binomial_mass_and_sums_to_one_over_each_count()
    {
        var task = new Sir();
        var theta = task.TrueParameters(1);
        var x = task.Observation(1);
        const double eps = 1.0 / (1 << 23);
        var p = Sir.Infected(theta)!.Select(i => Math.Clamp((double)Math.Clamp(i / 1e6f, 0f, 1f), eps, 1 - eps)).ToArray();
        var logMass = p.Select(BinomialLogMassByRecursion).ToArray();
        foreach (var mass in logMass) Assert.Equal(1, mass.Sum(Math.Exp), 12);

        double expected = Enumerable.Range(0, 10).Sum(k => logMass[k][(int)x[k]]);
        Assert.Equal(expected, task.LogLikelihood(theta, x), 1e-9 * Math.Abs(expected));

        int m = Array.IndexOf(p, p.Max());
        double others = expected - logMass[m][(int)x[m]];
        double total = 0;
        var varied = (float[])x.Clone();
        for (int j = 0; j <= Sir.SampleSize; j++)
        {
            varied[m] = j;
            double actual = task.LogLikelihood(theta, varied);
            double reference = others + logMass[m][j];
            Assert.True(Math.Abs(actual - reference) <= 1e-9 * Math.Max(1, Math.Abs(reference)), $"count {j}: {actual} against {reference}");
            total += Math.Exp(actual - others);
        }
        output.WriteLine($"p = {p[m]:F5} for count {m + 1}: Σ over its 1001 values of p(x | θ)/p(x₋ₖ | θ) = {total:F12}");
        Assert.Equal(1, total, 9);
    }

    /// <summary>log Binomial(j; 1000, p) for j = 0..1000 by the ratio recursion, in log space so that no term underflows.</summary>
    private static double[] BinomialLogMassByRecursion(double p)
    {
        var log = new double[Sir.SampleSize + 1];
        log[0] = Sir.SampleSize * Math.Log(1 - p);
        for (int j = 0; j < Sir.SampleSize; j++)
            log[j + 1] = log[j] + Math.Log((Sir.SampleSize - j) / (j + 1.0)) + Math.Log(p / (1 - p));
        return log;
    }

    /// <summary>
    /// Off the support, sir and lotka_volterra return −∞: counts that are fractional, negative, above 1000 or NaN; a
    /// population that is not positive. Where the ODE solve fails (θ from the simulator tests that fail: γ = −5, and
    /// β = −0.1), every finite x is impossible (−∞), while the all-NaN row the simulator returns there has probability 1
    /// (log 0), and probability 0 (−∞) at a θ whose solve succeeds.
    /// </summary>
    [Fact]
    public void Sir_and_lotka_volterra_are_minus_infinity_off_the_support_and_where_the_solve_fails()
    {
        var sir = new Sir();
        var theta = sir.TrueParameters(1);
        foreach (float bad in new[] { 2.5f, -1f, 1001f, float.NaN })
        {
            var x = sir.Observation(1);
            x[3] = bad;
            Assert.Equal(double.NegativeInfinity, sir.LogLikelihood(theta, x));
        }
        var nanRow = Enumerable.Repeat(float.NaN, 10).ToArray();
        float[] failing = [0.5f, -5f];
        Assert.Null(Sir.Infected(failing));
        Assert.Equal(double.NegativeInfinity, sir.LogLikelihood(failing, sir.Observation(1)));
        Assert.Equal(0, sir.LogLikelihood(failing, nanRow));
        Assert.Equal(double.NegativeInfinity, sir.LogLikelihood(theta, nanRow));

        var lv = new LotkaVolterra();
        theta = lv.TrueParameters(1);
        foreach (float bad in new[] { 0f, -3f, float.NaN })
        {
            var x = lv.Observation(1);
            x[12] = bad;
            Assert.Equal(double.NegativeInfinity, lv.LogLikelihood(theta, x));
        }
        nanRow = Enumerable.Repeat(float.NaN, 20).ToArray();
        failing = [1f, -0.1f, 1f, 0.1f];
        Assert.Null(LotkaVolterra.Populations(failing));
        Assert.Equal(double.NegativeInfinity, lv.LogLikelihood(failing, lv.Observation(1)));
        Assert.Equal(0, lv.LogLikelihood(failing, nanRow));
        Assert.Equal(double.NegativeInfinity, lv.LogLikelihood(theta, nanRow));
    }

    /// <summary>
    /// lotka_volterra's density is normalised over all 20 values. It factorises, p(x | θ) = Πₖ gₖ(xₖ), so with
    /// Iₖ = ∫ p(x with xₖ = v | θ)/p(x | θ) dv = 1/gₖ(xₖ), normalisation means log p(x | θ) = −Σₖ log Iₖ. Each Iₖ is a
    /// midpoint rule in u = log v (dv = e^u du) over log clamp(uₖ) ± 1.2, i.e. ±12 noise sds, in 2,400 steps of
    /// 0.001 = 0.01 sd: the mass outside is below 1e−32 and the midpoint error of a smooth integrand at 100 points per
    /// sd is far below 1e−6, so the 0.5 % (0.005 in log) allowed is all margin. A grid centred wrongly, a missing
    /// −log xₖ or a wrong constant per value moves −Σ log Iₖ by at least one unit.
    /// </summary>
    [Fact]
    public void Lotka_volterra_density_is_normalised_over_x()
    {
        var task = new LotkaVolterra();
        var theta = task.TrueParameters(1);
        var x = task.Observation(1);
        var statistic = task.PlausibilityStatistic(theta); // the same density with the ODE solved once
        double logLikelihood = task.LogLikelihood(theta, x);
        Assert.Equal(logLikelihood, statistic(x));
        var populations = LotkaVolterra.Populations(theta)!;
        const double halfWidth = 1.2, step = 0.001;
        int n = (int)Math.Round(2 * halfWidth / step);
        double sumOfLogs = 0;
        var varied = (float[])x.Clone();
        for (int k = 0; k < x.Length; k++)
        {
            double centre = Math.Log(Math.Clamp(populations[k], LotkaVolterra.LowerClamp, LotkaVolterra.UpperClamp));
            double integral = 0;
            for (int i = 0; i < n; i++)
            {
                double u = centre - halfWidth + (i + 0.5) * step;
                varied[k] = (float)Math.Exp(u);
                integral += Math.Exp(statistic(varied) - logLikelihood + u) * step;
            }
            // Spot-check that the statistic is the likelihood at a point away from x.
            varied[k] = (float)Math.Exp(centre + 0.05);
            Assert.Equal(task.LogLikelihood(theta, varied), statistic(varied));
            varied[k] = x[k];
            sumOfLogs += Math.Log(integral);
        }
        output.WriteLine($"log p(x_o | θ_true) = {logLikelihood:F6}, −Σ log Iₖ = {-sumOfLogs:F6}");
        Assert.InRange(logLikelihood + sumOfLogs, -0.005, 0.005);
    }

    /// <summary>
    /// slcp_distractors' likelihood is slcp's for the eight embedded values plus a term in x alone: over five prior draws
    /// of θ the difference is the same to 1e−9 (double rounding), for observation 1 and for a fresh simulation. That term is
    /// the distractor mixture's log-density, here recomputed independently for all 20 components: the whitened vector
    /// L_k⁻¹(e − μ_k) by forward substitution in exact integer arithmetic (the stored factors have condition numbers of
    /// 1e13 to 1e27, so L_kL_kᵀ cannot even be Cholesky-factorised in double), log |det L_k| from the stored diagonal,
    /// log Γ(47) summed as log 46!, and the components log-mean-exp'd. Double forward substitution is backward stable but
    /// loses up to about 1e−6 relative of the whitened norm against the exact one on these factors (6e−7 at observation 1,
    /// measured), which the factor 47 in front of its log turns into about 3e−5; 1e−3 absolute allows for that and
    /// still fails for a missing constant, weight or Jacobian term.
    /// </summary>
    [Fact]
    public void Slcp_distractors_is_slcp_plus_the_distractor_mixture_density()
    {
        var task = new SlcpDistractors();
        var noise = SlcpDistractors.NoiseModel;
        var simulated = new SimulationRunner().Run(task.Prior, task.Simulator, 1, seed: 29).X.Row(0).ToArray();
        var thetas = task.Prior.Sample(5, new Rng(31));
        foreach (var x in new[] { task.Observation(1), simulated })
        {
            var joined = new float[SlcpDistractors.DataLength];
            for (int j = 0; j < joined.Length; j++) joined[noise.Permutation[j]] = x[j];
            var slcpValues = joined[..8];
            double expected = ExactMixtureLogDensity(noise, joined[8..]);
            var differences = new double[5];
            double magnitude = 0;
            for (int i = 0; i < 5; i++)
            {
                var theta = thetas.Row(i);
                double slcp = Slcp.LogLikelihood(theta, slcpValues);
                differences[i] = task.LogLikelihood(theta, x) - slcp;
                magnitude = Math.Max(magnitude, Math.Abs(slcp) + Math.Abs(differences[i]));
                Assert.Equal(expected, differences[i], 1e-3);
            }
            double range = differences.Max() - differences.Min();
            output.WriteLine($"log p(x | θ) − log p_slcp(s | θ) = {differences[0]:F9} (range over θ {range:E1}, terms up to {magnitude:E1}); exact mixture log-density {expected:F9}");
            // Each difference is a sum and a subtraction of numbers up to this magnitude, each rounded by at most half an
            // ulp (2⁻⁵³ relative), so two differences can differ by a few 2⁻⁵² of it; 8 of them is the bound.
            Assert.InRange(range, 0, 8 * magnitude * Math.ScaleB(1, -52));
        }
    }

    /// <summary>The distractor mixture's log-density with every whitened norm in exact arithmetic.</summary>
    private static double ExactMixtureLogDensity(DistractorNoise noise, float[] e)
    {
        const int d = DistractorNoise.Dimension;
        const double nu = DistractorNoise.DegreesOfFreedom;
        double logGammaHalfNuPlusD = Enumerable.Range(1, 46).Sum(i => Math.Log(i)); // Γ(47) = 46!, and Γ(ν/2) = Γ(1) = 1
        var logComponents = new double[DistractorNoise.Components];
        for (int k = 0; k < DistractorNoise.Components; k++)
        {
            double logDeterminant = 0;
            for (int r = 0; r < d; r++) logDeterminant += Math.Log(Math.Abs(noise.ScaleTril(k, r, r)));
            // log(1 + n/ν) = log(n/ν) + log(1 + ν/n), from the exact n's logarithm: n may be far beyond double's range.
            double logNorm = ExactLogWhitenedNorm(noise, k, e);
            double logTerm = logNorm - Math.Log(nu) + double.LogP1(nu * Math.Exp(-logNorm));
            logComponents[k] = logGammaHalfNuPlusD - d / 2.0 * Math.Log(nu * Math.PI) - logDeterminant - (nu + d) / 2 * logTerm;
        }
        double max = logComponents.Max();
        return max + Math.Log(logComponents.Sum(v => Math.Exp(v - max)) / DistractorNoise.Components);
    }

    /// <summary>
    /// log |L_k⁻¹(e − μ_k)|², with the triangular solve in exact integer arithmetic. Every double is m·2^q, so row r of
    /// L y = e − μ times a power of two is an integer row, which leaves y unchanged. Fraction-free forward substitution
    /// then keeps Y_r = y_r·D_r with D_r = Π_{i≤r} L_ii integral: Y_r = b_r·D_{r−1} − Σ_{j&lt;r} L_rj·Y_j·Π_{j&lt;i&lt;r} L_ii,
    /// the sum by Horner's rule. Only the final logarithms are rounded.
    /// </summary>
    private static double ExactLogWhitenedNorm(DistractorNoise noise, int k, float[] e)
    {
        const int d = DistractorNoise.Dimension;
        var rows = new System.Numerics.BigInteger[d][];
        var rightSide = new System.Numerics.BigInteger[d];
        for (int r = 0; r < d; r++)
        {
            var values = new double[r + 3];
            for (int j = 0; j <= r; j++) values[j] = noise.ScaleTril(k, r, j);
            values[r + 1] = e[r];
            values[r + 2] = noise.Location(k, r);
            var dyadic = values.Select(Dyadic).ToArray();
            int lowest = dyadic.Where(v => !v.Mantissa.IsZero).Min(v => v.Exponent);
            var integers = dyadic.Select(v => v.Mantissa << (v.Exponent - lowest)).ToArray();
            rows[r] = integers[..(r + 1)];
            rightSide[r] = integers[r + 1] - integers[r + 2];
        }
        var y = new System.Numerics.BigInteger[d];
        System.Numerics.BigInteger denominator = 1; // D_{r−1}
        var logSquares = new List<double>();
        for (int r = 0; r < d; r++)
        {
            System.Numerics.BigInteger sum = 0;
            for (int j = 0; j < r; j++) sum = sum * rows[j][j] + rows[r][j] * y[j];
            y[r] = rightSide[r] * denominator - sum;
            denominator *= rows[r][r];
            if (!y[r].IsZero)
                logSquares.Add(2 * (System.Numerics.BigInteger.Log(System.Numerics.BigInteger.Abs(y[r])) - System.Numerics.BigInteger.Log(System.Numerics.BigInteger.Abs(denominator))));
        }
        double max = logSquares.Max();
        return max + Math.Log(logSquares.Sum(v => Math.Exp(v - max)));
    }

    /// <summary>A finite double as mantissa·2^exponent, exactly.</summary>
    private static (System.Numerics.BigInteger Mantissa, int Exponent) Dyadic(double value)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        int exponent = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0) exponent = 1; else mantissa |= 1L << 52;
        return (value < 0 ? -mantissa : mantissa, exponent - 1075);
    }
}
