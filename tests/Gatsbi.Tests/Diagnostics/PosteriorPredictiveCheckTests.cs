using Gatsbi.Diagnostics;
using Gatsbi.Randomness;

namespace Gatsbi.Tests.Diagnostics;

public sealed class PosteriorPredictiveCheckTests
{
    private static readonly PpcOptions Options = new() { PosteriorSamples = 1_000 };

    [Fact]
    public void Observation_from_the_model_is_not_extreme()
    {
        // θ = (0.3, −0.7), x_o one simulation from it: typical of the prior predictive.
        var x = new float[1, 2];
        ConjugateGaussian.Simulator.Simulate(new float[,] { { 0.3f, -0.7f } }, x, new Rng(3));
        float[] xo = [x[0, 0], x[0, 1]];
        var ppc = PosteriorPredictiveCheck.Run(ConjugateGaussian.Posterior(), ConjugateGaussian.Simulator, xo, Options, seed: 4);

        Assert.Equal(1_000, ppc.Predictive.GetLength(0));
        for (int j = 0; j < 2; j++)
        {
            // The predictive is N(0.8 x_o, 0.45) per dimension, so x_o sits at Φ(0.2 x_o / 0.67): near the middle.
            Assert.InRange(ppc.Percentiles[j], 0.2, 0.8);
            Assert.False(ppc.IsExtreme(j));
        }
        // MEDDIST is the distance to a point near the predictive's centre; the reference, between two draws, is √2 × larger in expectation.
        Assert.InRange(ppc.MedianDistance / ppc.ReferenceMedianDistance, 0.5, 1.0);
    }

    [Fact]
    public void Shifted_observation_gets_extreme_percentiles()
    {
        // The posterior shrinks x_o = (20, −20) towards 0: the predictive is N(±16, 0.45) per dimension, so x_o
        // lies 6 predictive standard deviations out, beyond every one of 1,000 draws.
        float[] xo = [20f, -20f];
        var ppc = PosteriorPredictiveCheck.Run(ConjugateGaussian.Posterior(), ConjugateGaussian.Simulator, xo, Options, seed: 4);
        Assert.True(ppc.IsExtreme(0) && ppc.IsExtreme(1), string.Join(", ", ppc.Percentiles));
        Assert.Equal(1.0, ppc.Percentiles[0]);
        Assert.Equal(0.0, ppc.Percentiles[1]);
        Assert.True(ppc.MedianDistance > 3 * ppc.ReferenceMedianDistance);
    }

    [Fact]
    public void Same_seed_gives_the_same_check()
    {
        float[] xo = [0.5f, 0.5f];
        var a = PosteriorPredictiveCheck.Run(ConjugateGaussian.Posterior(), ConjugateGaussian.Simulator, xo, Options, seed: 8);
        var b = PosteriorPredictiveCheck.Run(ConjugateGaussian.Posterior(), ConjugateGaussian.Simulator, xo, Options with { Runner = new Gatsbi.Simulation.SimulationRunner { MaxThreads = 1 } }, seed: 8);
        Assert.Equal(a.Predictive, b.Predictive);
        Assert.Equal(a.Percentiles, b.Percentiles);
    }
}
