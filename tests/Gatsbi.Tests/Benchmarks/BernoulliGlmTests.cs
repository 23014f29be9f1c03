using Gatsbi.Benchmarks;
using Gatsbi.Benchmarks.Tasks;
using Gatsbi.Distributions;
using Gatsbi.Randomness;
using Gatsbi.Simulation;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Benchmarks;

public sealed class BernoulliGlmTests
{
    [Fact]
    public void Design_matrix_rebuilt_from_the_stimulus_equals_the_stored_one()
    {
        using var stream = typeof(BernoulliGlm).Assembly.GetManifestResourceStream("Gatsbi.Benchmarks.Data/bernoulli_glm/files/design_matrix.csv")!;
        var lines = new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var design = BernoulliGlm.DesignMatrix;
        Assert.Equal(100, lines.Length);
        for (int t = 0; t < 100; t++)
        {
            var cells = lines[t].Split(',').Select(c => float.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            for (int j = 0; j < 10; j++) Assert.Equal(cells[j], (float)design[t, j]);
        }
        // The first values of sbibm's stored stimulus (sbibm/tasks/bernoulli_glm/files/stimulus_I.pt: NumPy's
        // RandomState(42).randn(100) as float32).
        Assert.Equal(new[] { 0.49671414f, -0.1382643f, 0.64768857f, 1.5230298f }, Enumerable.Range(0, 4).Select(t => (float)design[t, 1]).ToArray());
    }

    /// <summary>
    /// sbibm's summary observation is Xᵀ·(raw observation) (sbibm/tasks/bernoulli_glm/task.py); the spike counts are those
    /// of the stored raw observations, counted independently of this code.
    /// </summary>
    [Fact]
    public void Summary_observations_are_the_design_transpose_times_the_raw_spikes()
    {
        var summary = new BernoulliGlm();
        var raw = new BernoulliGlmRaw();
        int[] spikeCounts = [56, 64, 76, 60, 35, 42, 33, 62, 48, 70];
        var computed = new float[10];
        for (int k = 1; k <= 10; k++)
        {
            var spikes = raw.Observation(k);
            Assert.Equal(100, spikes.Length);
            Assert.All(spikes, s => Assert.True(s is 0f or 1f));
            BernoulliGlm.Summarise(spikes, computed);
            // sbibm accumulates the lag sums in float32 (a convolution); we sum in double and round once,
            // so the two agree to float32 rounding of sums of up to 76 terms of size ~1 (well below 1e-5).
            var stored = summary.Observation(k);
            for (int j = 0; j < 10; j++) Assert.InRange(computed[j], stored[j] - 1e-5, stored[j] + 1e-5);
            Assert.Equal(spikeCounts[k - 1], (int)computed[0]);
            Assert.Equal(summary.TrueParameters(k), raw.TrueParameters(k));
        }
    }

    /// <summary>
    /// The bands of FᵀF and the prior marginal standard deviations (5 decimals) of sbibm's prior precision
    /// (sbibm/tasks/bernoulli_glm/task.py), computed independently of this code.
    /// </summary>
    [Fact]
    public void Prior_precision_and_marginal_stds_match_the_specification()
    {
        var p = BernoulliGlm.PriorPrecision();
        double[] diagonal = [6, 6.77778, 7.16503, 7.48803, 7.77778, 8.04627, 8.29966, 7.54161, 3.77451];
        double[] first = [-4.66667, -4.94281, -5.15470, -5.33333, -5.49071, -5.63299, -5.76383, -3.88562];
        double[] second = [1.47140, 1.57735, 1.66667, 1.74536, 1.81650, 1.88192, 1.94281];
        Assert.Equal(0.5, p[0, 0]);
        for (int i = 0; i < 9; i++) Assert.Equal(diagonal[i], p[i + 1, i + 1], 5);
        for (int i = 0; i < 8; i++) Assert.Equal(first[i], p[i + 2, i + 1], 5);
        for (int i = 0; i < 7; i++) Assert.Equal(second[i], p[i + 3, i + 1], 5);
        for (int i = 0; i < 10; i++)
            for (int j = 0; j < 10; j++)
            {
                bool offsetCoupling = (i == 0 || j == 0) && i != j; // the offset is independent of the filter
                if (offsetCoupling || Math.Abs(i - j) > 2) Assert.Equal(0, p[i, j]);
            }

        double[] stds = [1.41421, 1.00000, 1.67705, 1.82994, 1.55207, 1.21635, 1.10044, 1.06921, 0.98061, 0.88029];
        var prior = (MultivariateNormal)new BernoulliGlm().Prior;
        for (int j = 0; j < 10; j++) Assert.InRange(prior.MarginalStd(j), stds[j] - 5e-6, stds[j] + 5e-6); // 5 decimals
        var samples = prior.Sample(40_000, new Rng(31));
        for (int j = 0; j < 10; j++)
        {
            var column = Enumerable.Range(0, 40_000).Select(i => (double)samples[i, j]).ToArray();
            // SE of a sample std is σ/√(2n) ≈ 0.0035σ; 5 SE.
            Assert.InRange(Stats.Std(column), stds[j] * (1 - 0.018), stds[j] * (1 + 0.018));
        }
    }

    [Fact]
    public void Spike_rate_follows_the_logistic_of_the_linear_predictor()
    {
        var task = new BernoulliGlmRaw();
        var theta = task.TrueParameters(1);
        const int n = 20_000;
        var x = new SimulationRunner().Simulate(task.Simulator, Matrices.Repeat(theta, n), seed: 43);
        var psi = new double[100];
        BernoulliGlm.LinearPredictor(theta, psi);
        for (int t = 0; t < 100; t += 9)
        {
            double rate = Enumerable.Range(0, n).Sum(i => (double)x[i, t]) / n;
            double p = 1 / (1 + Math.Exp(-psi[t]));
            double se = Math.Sqrt(p * (1 - p) / n);
            Assert.InRange(rate, p - 5 * se - 1e-9, p + 5 * se + 1e-9);
        }
    }

    [Fact]
    public void Raw_task_shares_the_reference_of_the_summary_task()
    {
        var raw = TaskRegistry.Get("bernoulli_glm_raw");
        Assert.Equal(100, raw.DataDimension);
        Assert.Equal(10, TaskRegistry.Get("bernoulli_glm").DataDimension);
        Assert.Equal(new BernoulliGlm().ReferencePosterior(2), raw.ReferencePosterior(2));
    }
}
