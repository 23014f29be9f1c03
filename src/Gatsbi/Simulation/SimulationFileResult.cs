namespace Gatsbi.Simulation;

/// <summary>What a run written to files did: <see cref="Rows"/> in the files, of which <see cref="ResumedRows"/> were there before.</summary>
/// <param name="Rows">Complete simulations in the files after the run.</param>
/// <param name="ResumedRows">Rows kept from an earlier, stopped run.</param>
/// <param name="NonFiniteRows">Rows in the files whose θ or x holds NaN or ±∞ (failed simulations).</param>
public sealed record SimulationFileResult(int Rows, int ResumedRows, int NonFiniteRows)
{
    /// <summary>Rows this run simulated: <see cref="Rows"/> − <see cref="ResumedRows"/>.</summary>
    public int SimulatedRows => Rows - ResumedRows;
}
