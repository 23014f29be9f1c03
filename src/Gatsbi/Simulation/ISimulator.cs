using Gatsbi.Randomness;

namespace Gatsbi.Simulation;

/// <summary>
/// A stochastic simulator x ~ p(x | θ). It is called on batches of rows; each call gets its own random
/// generator, and the same generator state with the same θ must give the same x. Implementations must be
/// safe to call from several threads at once (they are called concurrently on different batches).
/// A simulation that fails should write NaN into its row of x rather than throw: such rows are dropped
/// and counted by <see cref="SimulationSet.DropNonFinite"/>.
/// </summary>
public interface ISimulator
{
    /// <summary>Values per parameter vector θ: the columns of the θ matrices it takes.</summary>
    int ParameterDimension { get; }

    /// <summary>Values per simulated x: the columns of the x matrices it fills.</summary>
    int DataDimension { get; }

    /// <summary>Fills <paramref name="x"/> (rows × DataDimension) for the parameters <paramref name="theta"/> (rows × ParameterDimension).</summary>
    void Simulate(float[,] theta, float[,] x, Rng rng);
}
