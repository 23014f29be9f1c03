namespace Gatsbi.Posteriors;

/// <summary>An approximate posterior p(θ | x) that can be sampled for any observation x.</summary>
public interface IPosterior
{
    /// <summary>Number of parameters: the columns of <see cref="PosteriorSamples.Samples"/>.</summary>
    int ParameterDimension { get; }

    /// <summary>Number of values an observation must have.</summary>
    int DataDimension { get; }

    /// <summary>Draws <paramref name="count"/> samples for <paramref name="observation"/>; the same seed gives the same samples.</summary>
    /// <param name="observation">x_o, <see cref="DataDimension"/> finite values.</param>
    /// <param name="count">Samples wanted; a posterior with a draw cap may return fewer (see <see cref="PosteriorSamples.Complete"/>).</param>
    /// <param name="seed">Root seed of the draw.</param>
    PosteriorSamples Sample(ReadOnlySpan<float> observation, int count, ulong seed);
}

/// <summary>
/// A posterior that also has a density, as NPE's normalizing flow does (GATSBI's generator and ABC's samples do
/// not): sbi's <c>posterior.log_prob(θ, x)</c>.
/// </summary>
public interface IDensityPosterior : IPosterior
{
    /// <summary>log q(θ | x_o) for each row of <paramref name="theta"/>; −∞ outside the prior's support.</summary>
    /// <param name="theta">Points to evaluate, rows × <see cref="IPosterior.ParameterDimension"/>.</param>
    /// <param name="observation">x_o, <see cref="IPosterior.DataDimension"/> finite values.</param>
    double[] LogProb(float[,] theta, ReadOnlySpan<float> observation);
}

/// <summary>
/// A posterior held by trained networks (GATSBI, NPE): it owns native memory, so it is disposed, and it
/// knows the prior support its samples are restricted to. Model files store these.
/// </summary>
public interface INeuralPosterior : IPosterior, IDisposable
{
    /// <summary>The prior's support box that samples are restricted to, or null when they are not restricted.</summary>
    Distributions.Support? Support { get; }
}

/// <summary>
/// Posterior samples and how they were obtained: <see cref="Drawn"/> proposals of which
/// <see cref="Rejected"/> fell outside the prior support. <see cref="Samples"/> has fewer rows than asked
/// for when the draw cap was reached (<see cref="Complete"/> is false).
/// </summary>
/// <param name="Samples">The accepted samples, <see cref="Count"/> × parameter dimension, in draw order.</param>
/// <param name="Requested">Samples asked for.</param>
/// <param name="Drawn">Proposals made, accepted or not.</param>
/// <param name="Rejected">Proposals not returned: those outside the prior support, plus any left over in the last pass of a posterior that proposes in fixed-size passes.</param>
public sealed record PosteriorSamples(float[,] Samples, int Requested, long Drawn, long Rejected)
{
    /// <summary>Samples returned: the rows of <see cref="Samples"/>.</summary>
    public int Count => Samples.GetLength(0);

    /// <summary>True when all <see cref="Requested"/> samples were returned, false when the draw cap cut sampling short.</summary>
    public bool Complete => Count == Requested;

    /// <summary>(Drawn − Rejected) / Drawn: the fraction of proposals returned, about the fraction inside the support; NaN when nothing was drawn.</summary>
    public double AcceptanceRate => Drawn == 0 ? double.NaN : (Drawn - Rejected) / (double)Drawn;
}
