using Gatsbi.Distributions;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Benchmarks.Tasks;

/// <summary>
/// sbibm's gaussian_mixture: θ ~ U([−10, 10]²); one component per simulation, with probability ½ each,
/// x ~ N(θ, I) or x ~ N(θ, 0.01·I). (sbibm before 1.1.0 drew one component per batch; this is the
/// corrected per-simulation version.) The posterior is ½·N(x, I) + ½·N(x, 0.01·I) truncated to the box.
/// Defined in sbibm/tasks/gaussian_mixture/task.py of github.com/sbi-benchmark/sbibm.
/// </summary>
public sealed class GaussianMixture : BenchmarkTask, IClosedFormPosterior, ITractableLikelihood
{
    private static readonly double[] ComponentStd = [1.0, 0.1];

    /// <inheritdoc/>
    public override string Name => "gaussian_mixture";

    /// <inheritdoc/>
    public override string PriorDescription => "U([-10, 10]^2)";

    /// <summary>θ ~ U([−10, 10]²).</summary>
    public override IPrior Prior { get; } = new BoxUniform(2, -10f, 10f);

    /// <summary>x ~ N(θ, I) or N(θ, 0.01·I) with probability ½ each, one component per row shared by both coordinates: 2 parameters to 2 values.</summary>
    public override ISimulator Simulator { get; } = new MixtureSimulator();

    /// <inheritdoc/>
    public override string[] ParameterNames { get; } = ["parameter_1", "parameter_2"];

    /// <summary>The exact log-likelihood (<see cref="LogLikelihood"/>).</summary>
    public override DataStatistic PlausibilityStatistic(float[] theta) => x => LogLikelihood(theta, x);

    /// <summary>The exact log-likelihood: log(½·N(x; θ, I) + ½·N(x; θ, 0.01·I)).</summary>
    public double LogLikelihood(ReadOnlySpan<float> theta, ReadOnlySpan<float> x)
    {
        double d2 = Math.Pow(x[0] - (double)theta[0], 2) + Math.Pow(x[1] - (double)theta[1], 2);
        double density = 0;
        foreach (double std in ComponentStd)
            density += 0.5 * Math.Exp(-d2 / (2 * std * std)) / (2 * Math.PI * std * std);
        return Math.Log(density);
    }

    /// <summary>As sbibm: pick a component, draw from it, and reject draws outside the box (the box cuts the two components differently, so the kept weights are not ½).</summary>
    public float[,] SamplePosterior(ReadOnlySpan<float> observation, int count, Rng rng)
    {
        var samples = new float[count, 2];
        for (int i = 0; i < count;)
        {
            double std = ComponentStd[rng.NextInt(2)];
            double t1 = rng.Normal(observation[0], std), t2 = rng.Normal(observation[1], std);
            if (Math.Abs(t1) > 10 || Math.Abs(t2) > 10) continue;
            samples[i, 0] = (float)t1;
            samples[i, 1] = (float)t2;
            i++;
        }
        return samples;
    }

    private sealed class MixtureSimulator : ISimulator
    {
        public int ParameterDimension => 2;
        public int DataDimension => 2;

        public void Simulate(float[,] theta, float[,] x, Rng rng)
        {
            for (int i = 0; i < theta.GetLength(0); i++)
            {
                double std = ComponentStd[rng.NextInt(2)]; // shared by both coordinates
                x[i, 0] = (float)rng.Normal(theta[i, 0], std);
                x[i, 1] = (float)rng.Normal(theta[i, 1], std);
            }
        }
    }
}
