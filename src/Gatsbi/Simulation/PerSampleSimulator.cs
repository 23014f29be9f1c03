using Gatsbi.Randomness;

namespace Gatsbi.Simulation;

/// <summary>Signature of a simulator written for one parameter vector at a time.</summary>
public delegate void SimulateOne(ReadOnlySpan<float> theta, Span<float> x, Rng rng);

/// <summary>
/// Wraps a per-sample simulator function as an <see cref="ISimulator"/>; <see cref="SimulationRunner"/>
/// runs batches of it in parallel. An exception from the function is rethrown as a
/// <see cref="SimulationFailedException"/> naming the row and its θ.
/// </summary>
public sealed class PerSampleSimulator(int parameterDimension, int dataDimension, SimulateOne simulate) : ISimulator
{
    public int ParameterDimension { get; } = parameterDimension;
    public int DataDimension { get; } = dataDimension;

    public void Simulate(float[,] theta, float[,] x, Rng rng)
    {
        for (int i = 0; i < theta.GetLength(0); i++)
        {
            try
            {
                simulate(theta.Row(i), x.Row(i), rng);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new SimulationFailedException(i, theta.Row(i).ToArray(), $"{e.GetType().Name}: {e.Message}", e);
            }
        }
    }
}
