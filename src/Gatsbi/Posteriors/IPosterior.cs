namespace Gatsbi.Posteriors;

/// <summary>An approximate posterior p(θ | x) that can be sampled for any observation x.</summary>
public interface IPosterior
{
    int ParameterDimension { get; }
    int DataDimension { get; }

    /// <summary>Draws <paramref name="count"/> samples for <paramref name="observation"/>; the same seed gives the same samples.</summary>
    PosteriorSamples Sample(ReadOnlySpan<float> observation, int count, ulong seed);
}

/// <summary>
/// A posterior held by trained networks (GATSBI, NPE): it owns native memory, so it is disposed, and it
/// knows the prior support its samples are restricted to. Model files store these.
/// </summary>
public interface INeuralPosterior : IPosterior, IDisposable
{
    Distributions.Support? Support { get; }
}

/// <summary>
/// Posterior samples and how they were obtained: <see cref="Drawn"/> proposals of which
/// <see cref="Rejected"/> fell outside the prior support. <see cref="Samples"/> has fewer rows than asked
/// for when the draw cap was reached (<see cref="Complete"/> is false).
/// </summary>
public sealed record PosteriorSamples(float[,] Samples, int Requested, long Drawn, long Rejected)
{
    public int Count => Samples.GetLength(0);
    public bool Complete => Count == Requested;
    public double AcceptanceRate => Drawn == 0 ? double.NaN : (Drawn - Rejected) / (double)Drawn;
}
