namespace Gatsbi.Simulation;

/// <summary>One finished chunk of a run: rows <see cref="Start"/> to <see cref="Start"/> + <see cref="Rows"/> − 1.</summary>
/// <param name="Index">The chunk's position in the run, from 0.</param>
/// <param name="Start">The run's row index of the chunk's first row.</param>
/// <param name="Theta">The chunk's parameters, rows × parameter dimension.</param>
/// <param name="X">The simulated data, rows × data dimension; failed rows hold NaN.</param>
public sealed record SimulatedChunk(int Index, int Start, float[,] Theta, float[,] X)
{
    /// <summary>Rows in the chunk: the run's chunk size, or fewer for the last chunk.</summary>
    public int Rows => Theta.GetLength(0);
}
