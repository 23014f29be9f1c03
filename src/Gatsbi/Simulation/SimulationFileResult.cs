namespace Gatsbi.Simulation;

/// <summary>What a run written to files did: <see cref="Rows"/> in the files, of which <see cref="ResumedRows"/> were there before.</summary>
public sealed record SimulationFileResult(int Rows, int ResumedRows, int NonFiniteRows)
{
    public int SimulatedRows => Rows - ResumedRows;
}
