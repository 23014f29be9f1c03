namespace Gatsbi.Posteriors;

/// <summary>The checks every method applies to an observation x_o before using it, with one wording.</summary>
internal static class ObservationChecks
{
    /// <summary>Rejects NaN and ±∞, naming the first offending value (1-based).</summary>
    public static void RequireFinite(ReadOnlySpan<float> observation)
    {
        for (int j = 0; j < observation.Length; j++)
            if (!float.IsFinite(observation[j])) throw new ArgumentException($"Observation value {j + 1} is {observation[j]}; it must be finite.");
    }

    /// <summary>For a trained posterior: the observation has the dimension of the training data, and is finite.</summary>
    public static void RequireTrainedOn(ReadOnlySpan<float> observation, int dataDimension)
    {
        if (observation.Length != dataDimension)
            throw new ArgumentException($"The observation has {observation.Length} values; this posterior was trained on data of dimension {dataDimension}.");
        RequireFinite(observation);
    }
}
