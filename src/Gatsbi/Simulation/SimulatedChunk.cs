namespace Gatsbi.Simulation;

/// <summary>One finished chunk of a run: rows <see cref="Start"/> to <see cref="Start"/> + <see cref="Rows"/> − 1.</summary>
public sealed record SimulatedChunk(int Index, int Start, float[,] Theta, float[,] X)
{
    public int Rows => Theta.GetLength(0);
}
