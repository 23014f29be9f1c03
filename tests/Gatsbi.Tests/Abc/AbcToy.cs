using Gatsbi.Distributions;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Tests.Abc;

/// <summary>
/// The ABC test model: θ ~ Uniform([−10, 10]²), x = θ + N(0, 0.5²·I). The box is wide against the noise, so the
/// posterior for the observation below is N(x_o, 0.25·I) up to a negligible truncation.
/// </summary>
internal static class AbcToy
{
    public const int Dimension = 2;
    public const double NoiseStd = 0.5;
    public static readonly float[] Observation = [1.5f, -2f];

    public static BoxUniform Prior { get; } = new(Dimension, -10, 10);

    /// <summary>x = θ + N(0, 0.5²·I): the same likelihood as the diagnostics' conjugate model.</summary>
    public static ISimulator Simulator => Diagnostics.ConjugateGaussian.Simulator;

    /// <summary>Mean of |θ − x_o|² over the rows of <paramref name="samples"/>.</summary>
    public static double MeanSquaredDistanceToObservation(float[,] samples)
    {
        double sum = 0;
        for (int i = 0; i < samples.GetLength(0); i++)
            for (int j = 0; j < Dimension; j++)
            {
                double d = samples[i, j] - Observation[j];
                sum += d * d;
            }
        return sum / samples.GetLength(0);
    }

    public static double[] ColumnMeans(float[,] samples)
    {
        var means = new double[samples.GetLength(1)];
        for (int i = 0; i < samples.GetLength(0); i++)
            for (int j = 0; j < means.Length; j++) means[j] += samples[i, j];
        return [.. means.Select(m => m / samples.GetLength(0))];
    }
}

/// <summary>Counts the rows it simulates, to check the budget from the simulator's side.</summary>
internal sealed class CountingSimulator(ISimulator inner) : ISimulator
{
    private long _rows;

    public long Rows => Interlocked.Read(ref _rows);
    public int ParameterDimension => inner.ParameterDimension;
    public int DataDimension => inner.DataDimension;

    public void Simulate(float[,] theta, float[,] x, Rng rng)
    {
        Interlocked.Add(ref _rows, theta.GetLength(0));
        inner.Simulate(theta, x, rng);
    }
}
