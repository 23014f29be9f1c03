using Gatsbi.Diagnostics;
using Gatsbi.Simulation;

namespace Gatsbi.Tests.Diagnostics;

/// <summary>
/// SBC and expected coverage on <see cref="ConjugateGaussian"/>, where the exact posterior is known and can be
/// made overconfident or biased on purpose. N = 1,000 draws and L = 100 samples, fixed seeds.
/// </summary>
public sealed class SimulationBasedCalibrationTests
{
    private const int Draws = 1_000;
    private static readonly SbcOptions Options = new() { Draws = Draws, PosteriorSamples = 100 };
    private static readonly EcdfBand Band = EcdfBand.Compute(Draws);

    private static SbcResult Run(double stdScale = 1, double shift = 0, SbcOptions? options = null) =>
        SimulationBasedCalibration.Run(ConjugateGaussian.Posterior(stdScale, shift), ConjugateGaussian.Prior, ConjugateGaussian.Simulator, options ?? Options, seed: 11);

    [Fact]
    public void Exact_posterior_gives_uniform_ranks_and_nominal_coverage()
    {
        var sbc = Run();
        Assert.Equal(Draws, sbc.Draws);
        Assert.Equal(0, sbc.FailedSimulations + sbc.IncompleteDraws);
        for (int j = 0; j < ConjugateGaussian.Dimension; j++)
        {
            var test = sbc.Uniformity(j, Band);
            // Under calibration the p-value is U(0, 1); 0.001 fails for one seed in a thousand, and this seed is fixed.
            Assert.True(test.PValue > 0.001, $"parameter {j}: χ² p = {test.PValue}");
            Assert.True(test.WithinEcdfBand, $"parameter {j}: ECDF difference leaves the 99% band");
        }
        var joint = RankUniformity.Test(sbc.NormalizedJointRanks(), Band, sbc.DefaultBins);
        Assert.True(joint.PValue > 0.001, $"joint: χ² p = {joint.PValue}");

        var coverage = ExpectedCoverage.FromSbc(sbc);
        // A covered count is Binomial(1000, α): standard deviation at most 0.016; 0.06 is almost 4 of them,
        // enough for the worst of 19 levels × 3 curves.
        for (int j = 0; j < ConjugateGaussian.Dimension; j++)
            Assert.True(Math.Abs(coverage.WorstDeviation(j)) < 0.06, $"parameter {j}: worst coverage deviation {coverage.WorstDeviation(j)}");
        Assert.True(Math.Abs(coverage.WorstJointDeviation) < 0.06, $"joint: worst coverage deviation {coverage.WorstJointDeviation}");
    }

    [Fact]
    public void Overconfident_posterior_gives_a_U_shape_and_under_coverage()
    {
        var sbc = Run(stdScale: 0.5);
        for (int j = 0; j < ConjugateGaussian.Dimension; j++)
        {
            var test = sbc.Uniformity(j, Band);
            Assert.True(test.PValue < 1e-10, $"parameter {j}: χ² p = {test.PValue}");
            Assert.False(test.WithinEcdfBand);
            // U shape: both outer bins above the 99% band, the middle ones below it.
            Assert.True(test.Counts[0] > test.BandHigh && test.Counts[^1] > test.BandHigh, string.Join(", ", test.Counts));
            Assert.True(test.Counts[test.Counts.Length / 2] < test.BandLow, string.Join(", ", test.Counts));
        }
        var coverage = ExpectedCoverage.FromSbc(sbc);
        int half = Array.IndexOf(coverage.Levels, 0.5);
        // Half the standard deviation: a nominal 50% interval is ±0.337σ, which covers 26% of the truth.
        for (int j = 0; j < ConjugateGaussian.Dimension; j++)
        {
            Assert.InRange(coverage.Marginal[j][half], 0.20, 0.32);
            for (int k = 0; k < coverage.Levels.Length; k++)
                if (coverage.Levels[k] >= 0.2) Assert.True(coverage.Marginal[j][k] < coverage.BandLow[k], $"level {coverage.Levels[k]}: {coverage.Marginal[j][k]}");
        }
        Assert.True(coverage.Joint[half] < coverage.BandLow[half], $"joint coverage at 50%: {coverage.Joint[half]}");
    }

    [Fact]
    public void Biased_posterior_skews_ranks_to_one_end()
    {
        // Samples one posterior standard deviation too high: θ* falls below most of them, so ranks are low.
        var sbc = Run(shift: 1);
        for (int j = 0; j < ConjugateGaussian.Dimension; j++)
        {
            var test = sbc.Uniformity(j, Band);
            Assert.True(test.PValue < 1e-10, $"parameter {j}: χ² p = {test.PValue}");
            Assert.False(test.WithinEcdfBand);
            // P(Z < −1) = 0.16 of ranks would sit in the upper half, against 0.5 for a calibrated posterior.
            Assert.InRange(sbc.NormalizedRanks(j).Average(), 0.2, 0.35);
            Assert.True(test.EcdfDifference.Max() > 0.3, "ECDF difference should bulge upwards (ranks pile up low)");
        }
    }

    [Fact]
    public void Ranks_do_not_depend_on_the_thread_count()
    {
        var small = new SbcOptions { Draws = 300, PosteriorSamples = 50 };
        var one = Run(options: small with { Runner = new SimulationRunner { MaxThreads = 1 } });
        var four = Run(options: small with { Runner = new SimulationRunner { MaxThreads = 4 } });
        Assert.Equal(one.Ranks, four.Ranks);
        Assert.Equal(one.JointRanks, four.JointRanks);
        Assert.Equal(one.NormalizedRanks(1), four.NormalizedRanks(1));
    }

    [Fact]
    public void Ranks_run_from_zero_to_L()
    {
        var sbc = Run(stdScale: 0.2, options: new SbcOptions { Draws = 200, PosteriorSamples = 7 });
        var ranks = sbc.Ranks.Cast<int>().ToArray();
        Assert.Equal(0, ranks.Min());
        Assert.Equal(7, ranks.Max());
        Assert.All(sbc.NormalizedRanks(0), u => Assert.InRange(u, 0, 1));
    }

    [Fact]
    public void Mismatched_dimensions_are_rejected()
    {
        var prior = Gatsbi.Distributions.MultivariateNormal.Isotropic(new double[3], 1);
        var error = Assert.Throws<ArgumentException>(() =>
            SimulationBasedCalibration.Run(ConjugateGaussian.Posterior(), prior, ConjugateGaussian.Simulator, Options, 1));
        Assert.Contains("prior has 3 parameters", error.Message);
    }
}
