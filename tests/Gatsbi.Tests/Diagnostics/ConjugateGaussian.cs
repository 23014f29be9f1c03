using Gatsbi.Distributions;
using Gatsbi.Posteriors;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Tests.Diagnostics;

/// <summary>
/// A model whose posterior is known exactly: θ ~ N(0, I₂), x = θ + N(0, 0.5² I₂). Per dimension the posterior
/// is N(0.8 x, 0.2): precision 1 + 1/0.25 = 5, mean (x/0.25)/5.
/// </summary>
internal static class ConjugateGaussian
{
    public const int Dimension = 2;
    public const double NoiseStd = 0.5;
    public const double PosteriorShrinkage = 0.8;
    public static readonly double PosteriorStd = Math.Sqrt(0.2);

    public static IPrior Prior { get; } = MultivariateNormal.Isotropic(new double[Dimension], 1);

    public static ISimulator Simulator { get; } = new NoisyIdentity();

    /// <summary>The exact posterior with its standard deviation scaled by <paramref name="stdScale"/> and its mean shifted by <paramref name="shiftInStds"/> posterior standard deviations.</summary>
    public static IPosterior Posterior(double stdScale = 1, double shiftInStds = 0) => new GaussianPosterior(stdScale, shiftInStds);

    private sealed class NoisyIdentity : ISimulator
    {
        public int ParameterDimension => Dimension;
        public int DataDimension => Dimension;

        public void Simulate(float[,] theta, float[,] x, Rng rng)
        {
            for (int i = 0; i < theta.GetLength(0); i++)
                for (int j = 0; j < Dimension; j++) x[i, j] = (float)(theta[i, j] + NoiseStd * rng.Normal());
        }
    }

    private sealed class GaussianPosterior(double stdScale, double shiftInStds) : IPosterior
    {
        public int ParameterDimension => Dimension;
        public int DataDimension => Dimension;

        public PosteriorSamples Sample(ReadOnlySpan<float> observation, int count, ulong seed)
        {
            var rng = new Rng(seed);
            var samples = new float[count, Dimension];
            for (int i = 0; i < count; i++)
                for (int j = 0; j < Dimension; j++)
                    samples[i, j] = (float)(PosteriorShrinkage * observation[j] + PosteriorStd * (shiftInStds + stdScale * rng.Normal()));
            return new PosteriorSamples(samples, count, count, 0);
        }
    }
}
