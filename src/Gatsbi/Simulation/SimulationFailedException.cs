using System.Globalization;

namespace Gatsbi.Simulation;

/// <summary>
/// A simulation that failed for a known row. <see cref="Row"/> counts from the first row of the batch the
/// simulator was given; <see cref="SimulationRunner"/> shifts it so that it counts from the first row of
/// the whole run.
/// </summary>
public class SimulationFailedException : Exception
{
    /// <summary>A failure at <paramref name="row"/>, whose parameters were <paramref name="theta"/>.</summary>
    /// <param name="row">The failed row, counted from the first row of the batch.</param>
    /// <param name="theta">The row's parameters (kept, not copied).</param>
    /// <param name="reason">What went wrong, without the row and parameters.</param>
    /// <param name="innerException">The simulator's own exception, if any.</param>
    public SimulationFailedException(int row, float[] theta, string reason, Exception? innerException = null)
        : base(reason, innerException)
    {
        Row = row;
        Theta = theta;
        Reason = reason;
    }

    /// <summary>The failed row: from the batch's first row as thrown by a simulator, from the run's first row once <see cref="SimulationRunner"/> rethrows it.</summary>
    public int Row { get; }

    /// <summary>The parameters of the failed row.</summary>
    public float[] Theta { get; }

    /// <summary>What went wrong, without the row and parameters.</summary>
    public string Reason { get; }

    /// <summary>The row, its θ and the reason in one sentence.</summary>
    public override string Message => $"Simulation failed at row {Row} (θ = {FormatTheta(Theta)}): {Reason}";

    /// <summary>The same failure with <see cref="Row"/> moved by <paramref name="offset"/> rows.</summary>
    public virtual SimulationFailedException WithRowOffset(int offset) => new(Row + offset, Theta, Reason, InnerException);

    /// <summary>θ as the user can paste it back: round-trip numbers, comma-separated.</summary>
    public static string FormatTheta(ReadOnlySpan<float> theta)
    {
        var parts = new string[theta.Length];
        for (int j = 0; j < theta.Length; j++) parts[j] = theta[j].ToString("R", CultureInfo.InvariantCulture);
        return string.Join(", ", parts);
    }
}
