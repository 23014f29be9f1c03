using Gatsbi.Distributions;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Benchmarks.Tasks;

/// <summary>
/// sbibm's gaussian_linear: θ ~ N(0, 0.1·I₁₀), x ~ N(θ, 0.1·I₁₀); both 0.1 are variances (sbibm's code,
/// not its docstring). The posterior is N(x/2, 0.05·I). Defined in sbibm/tasks/gaussian_linear/task.py of
/// github.com/sbi-benchmark/sbibm.
/// </summary>
public sealed class GaussianLinear : BenchmarkTask, IClosedFormPosterior, ITractableLikelihood
{
    /// <summary>Length of θ and of x.</summary>
    public const int Dimension = 10;

    /// <summary>Variance of every prior coordinate (std √0.1 ≈ 0.316).</summary>
    public const double PriorVariance = 0.1;

    /// <inheritdoc/>
    public override string Name => "gaussian_linear";

    /// <inheritdoc/>
    public override string PriorDescription => "N(0, 0.1 I_10)";

    /// <summary>θ ~ N(0, 0.1·I₁₀).</summary>
    public override IPrior Prior { get; } = MultivariateNormal.Isotropic(new double[Dimension], PriorVariance);

    /// <summary>x ~ N(θ, 0.1·I₁₀): 10 parameters to 10 values.</summary>
    public override ISimulator Simulator { get; } = new GaussianNoiseSimulator(Dimension, GaussianNoiseSimulator.SbibmVariance);

    /// <inheritdoc/>
    public override string[] ParameterNames { get; } = Storage.CsvMatrix.DefaultNames("parameter", Dimension);

    /// <summary>The exact log-likelihood up to a constant: −|x − θ|²/(2·0.1).</summary>
    public override DataStatistic PlausibilityStatistic(float[] theta) => GaussianNoiseSimulator.LogLikelihood(theta);

    /// <summary>log N(x; θ, 0.1·I₁₀), normalised.</summary>
    public double LogLikelihood(ReadOnlySpan<float> theta, ReadOnlySpan<float> x) => GaussianNoiseSimulator.NormalisedLogLikelihood(theta, x);

    /// <summary>Precisions add: 1/0.1 + 1/0.1 = 20, so the posterior is N(x/2, 0.05·I).</summary>
    public float[,] SamplePosterior(ReadOnlySpan<float> observation, int count, Rng rng)
    {
        var samples = new float[count, Dimension];
        double std = Math.Sqrt(0.05);
        for (int i = 0; i < count; i++)
            for (int j = 0; j < Dimension; j++)
                samples[i, j] = (float)rng.Normal(observation[j] / 2.0, std);
        return samples;
    }
}

/// <summary>
/// sbibm's gaussian_linear_uniform: θ ~ U([−1, 1]¹⁰), x ~ N(θ, 0.1·I₁₀). The posterior is N(x, 0.1·I)
/// truncated to the box, independently per coordinate. Defined in sbibm/tasks/gaussian_linear_uniform/task.py of
/// github.com/sbi-benchmark/sbibm.
/// </summary>
public sealed class GaussianLinearUniform : BenchmarkTask, IClosedFormPosterior, ITractableLikelihood
{
    /// <summary>Length of θ and of x.</summary>
    public const int Dimension = 10;

    /// <inheritdoc/>
    public override string Name => "gaussian_linear_uniform";

    /// <inheritdoc/>
    public override string PriorDescription => "U([-1, 1]^10)";

    /// <summary>θ ~ U([−1, 1]¹⁰).</summary>
    public override IPrior Prior { get; } = new BoxUniform(Dimension, -1f, 1f);

    /// <summary>x ~ N(θ, 0.1·I₁₀) (0.1 is the variance): 10 parameters to 10 values.</summary>
    public override ISimulator Simulator { get; } = new GaussianNoiseSimulator(Dimension, GaussianNoiseSimulator.SbibmVariance);

    /// <inheritdoc/>
    public override string[] ParameterNames { get; } = Storage.CsvMatrix.DefaultNames("parameter", Dimension);

    /// <summary>The exact log-likelihood up to a constant: −|x − θ|²/(2·0.1).</summary>
    public override DataStatistic PlausibilityStatistic(float[] theta) => GaussianNoiseSimulator.LogLikelihood(theta);

    /// <summary>log N(x; θ, 0.1·I₁₀), normalised.</summary>
    public double LogLikelihood(ReadOnlySpan<float> theta, ReadOnlySpan<float> x) => GaussianNoiseSimulator.NormalisedLogLikelihood(theta, x);

    /// <summary>
    /// sbibm rejects whole 10-vectors that leave the box; with independent coordinates, rejecting each
    /// coordinate on its own gives the same distribution far faster.
    /// </summary>
    public float[,] SamplePosterior(ReadOnlySpan<float> observation, int count, Rng rng)
    {
        var samples = new float[count, Dimension];
        double std = Math.Sqrt(GaussianNoiseSimulator.SbibmVariance);
        for (int i = 0; i < count; i++)
            for (int j = 0; j < Dimension; j++)
            {
                double value;
                do value = rng.Normal(observation[j], std); while (!(value >= -1 && value <= 1));
                samples[i, j] = (float)value;
            }
        return samples;
    }
}

/// <summary>x ~ N(θ, σ²·I): the simulator of both Gaussian linear tasks.</summary>
internal sealed class GaussianNoiseSimulator(int dimension, double variance) : ISimulator
{
    public const double SbibmVariance = 0.1;
    private readonly double _std = Math.Sqrt(variance);

    public int ParameterDimension => dimension;
    public int DataDimension => dimension;

    /// <summary>log N(x; θ, 0.1·I) up to a constant: −|x − θ|²/(2·0.1).</summary>
    public static DataStatistic LogLikelihood(float[] theta) => x =>
    {
        double sum = 0;
        for (int j = 0; j < theta.Length; j++) sum += (x[j] - (double)theta[j]) * (x[j] - (double)theta[j]);
        return -sum / (2 * SbibmVariance);
    };

    /// <summary>log N(x; θ, 0.1·I), normalised: the same sum of squares less (d/2)·log(2π·0.1).</summary>
    public static double NormalisedLogLikelihood(ReadOnlySpan<float> theta, ReadOnlySpan<float> x)
    {
        double sum = 0;
        for (int j = 0; j < theta.Length; j++) sum += (x[j] - (double)theta[j]) * (x[j] - (double)theta[j]);
        return -sum / (2 * SbibmVariance) - theta.Length / 2.0 * Math.Log(2 * Math.PI * SbibmVariance);
    }

    public void Simulate(float[,] theta, float[,] x, Rng rng)
    {
        for (int i = 0; i < theta.GetLength(0); i++)
            for (int j = 0; j < dimension; j++)
                x[i, j] = (float)rng.Normal(theta[i, j], _std);
    }
}
