using Gatsbi.Randomness;

namespace Gatsbi.Simulation;

/// <summary>Signature of a simulator written for one parameter vector at a time.</summary>
public delegate void SimulateOne(ReadOnlySpan<float> theta, Span<float> x, Rng rng);

/// <summary>
/// Wraps a per-sample simulator function as an <see cref="ISimulator"/>; <see cref="SimulationRunner"/>
/// runs batches of it in parallel. An exception from the function is rethrown as a
/// <see cref="SimulationFailedException"/> naming the row and its θ.
/// </summary>
/// <param name="parameterDimension">Values per θ.</param>
/// <param name="dataDimension">Values per x.</param>
/// <param name="simulate">Fills one x from one θ; it must be safe to call from several threads at once.</param>
public sealed class PerSampleSimulator(int parameterDimension, int dataDimension, SimulateOne simulate) : ISimulator
{
    /// <inheritdoc/>
    public int ParameterDimension { get; } = parameterDimension;

    /// <inheritdoc/>
    public int DataDimension { get; } = dataDimension;

    /// <summary>Calls the function on each row in turn, all rows sharing <paramref name="rng"/>.</summary>
    /// <exception cref="SimulationFailedException">The function threw on a row (cancellation excepted); the row counts from this batch's first row.</exception>
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
