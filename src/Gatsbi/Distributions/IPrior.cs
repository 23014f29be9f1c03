using Gatsbi.Randomness;

namespace Gatsbi.Distributions;

/// <summary>
/// A prior over parameters θ. Only sampling is required, so that priors known only through samples
/// (a folder of images, an archive of past fits) can be used; see <see cref="EmpiricalPrior"/>.
/// Capabilities beyond sampling are separate interfaces: <see cref="IDensity"/> for a log-density and
/// <see cref="Support"/> for box bounds.
/// </summary>
public interface IPrior
{
    /// <summary>Number of parameters: the columns of every matrix <see cref="Sample"/> returns.</summary>
    int Dimension { get; }

    /// <summary>Draws <paramref name="count"/> i.i.d. rows; the same <paramref name="rng"/> state gives the same rows.</summary>
    /// <returns>A count × <see cref="Dimension"/> matrix, one draw per row.</returns>
    float[,] Sample(int count, Rng rng);

    /// <summary>Box bounds of the support, or null when the support is unbounded or unknown.</summary>
    Support? Support { get; }
}

/// <summary>A distribution with a tractable log-density.</summary>
public interface IDensity
{
    /// <summary>Log-density at <paramref name="theta"/>; negative infinity outside the support.</summary>
    double LogDensity(ReadOnlySpan<float> theta);
}
