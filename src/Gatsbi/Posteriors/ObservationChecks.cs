using Gatsbi.Distributions;
using Gatsbi.Simulation;

namespace Gatsbi.Posteriors;

/// <summary>The checks every method applies to its inputs (observation x_o, prior and simulator) before using them, with one wording.</summary>
internal static class ObservationChecks
{
    /// <summary>Rejects NaN and ±∞, naming the first offending value (1-based).</summary>
    public static void RequireFinite(ReadOnlySpan<float> observation)
    {
        for (int j = 0; j < observation.Length; j++)
            if (!float.IsFinite(observation[j])) throw new ArgumentException($"Observation value {j + 1} is {observation[j]}; it must be finite.");
    }

    /// <summary>The observation has <paramref name="dataDimension"/> values, as <paramref name="source"/> says, and is finite.</summary>
    public static void RequireDimension(ReadOnlySpan<float> observation, int dataDimension, string source)
    {
        if (observation.Length != dataDimension)
            throw new ArgumentException($"The observation has {observation.Length} values but {source} {dataDimension}.");
        RequireFinite(observation);
    }

    /// <summary>For a method that simulates: prior and simulator agree on θ, and the observation is one the simulator could produce.</summary>
    public static void RequireProblem(IPrior prior, ISimulator simulator, ReadOnlySpan<float> observation)
    {
        RequirePriorFits(prior, simulator);
        RequireDimension(observation, simulator.DataDimension, "the simulator outputs");
    }

    /// <summary>The prior draws parameters of the dimension the simulator takes.</summary>
    public static void RequirePriorFits(IPrior prior, ISimulator simulator)
    {
        if (prior.Dimension != simulator.ParameterDimension)
            throw new ArgumentException($"The prior has dimension {prior.Dimension} but the simulator takes {simulator.ParameterDimension} parameters.");
    }

    /// <summary>For a trained posterior: the observation has the dimension of the training data, and is finite.</summary>
    public static void RequireTrainedOn(ReadOnlySpan<float> observation, int dataDimension)
    {
        if (observation.Length != dataDimension)
            throw new ArgumentException($"The observation has {observation.Length} values; this posterior was trained on data of dimension {dataDimension}.");
        RequireFinite(observation);
    }
}
