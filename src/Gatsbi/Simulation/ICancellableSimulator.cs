using Gatsbi.Randomness;

namespace Gatsbi.Simulation;

/// <summary>
/// A simulator that can abandon a batch in progress when asked (an external program that may run for
/// minutes per row, say). <see cref="SimulationRunner"/> passes its cancellation token to this overload.
/// </summary>
public interface ICancellableSimulator : ISimulator
{
    /// <summary>As <see cref="ISimulator.Simulate"/>; throws <see cref="OperationCanceledException"/> once <paramref name="cancellation"/> is cancelled.</summary>
    void Simulate(float[,] theta, float[,] x, Rng rng, CancellationToken cancellation);
}
