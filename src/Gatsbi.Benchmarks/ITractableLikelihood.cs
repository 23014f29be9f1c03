namespace Gatsbi.Benchmarks;

/// <summary>
/// A benchmark task whose likelihood is known up to a term in x alone: log p(x | θ) + c(x). That is all a posterior
/// over θ for fixed x needs (MCMC, rejection sampling, importance weights), since c(x) cancels from every ratio of
/// posterior densities. A task whose likelihood can also be normalised over x implements the stronger
/// <see cref="ITractableLikelihood"/>; one whose data are a summary of unknown multiplicity (bernoulli_glm, where the
/// number of spike trains sharing a summary depends on x) implements only this.
/// </summary>
public interface IUnnormalisedLikelihood
{
    /// <summary>
    /// log p(x | θ) + c(x), where c may depend on x but never on θ: every term in θ is included, so differences
    /// between two θ at the same x are exact log-likelihood ratios. −∞ where x is impossible under θ. Values at
    /// different x are not comparable.
    /// </summary>
    /// <param name="theta">The parameters, as many as the task's prior has.</param>
    /// <param name="x">The data, as many values as the task's simulator returns.</param>
    double LogLikelihoodUpToData(ReadOnlySpan<float> theta, ReadOnlySpan<float> x);
}

/// <summary>
/// A benchmark task whose data model has a closed-form likelihood. With the prior's density it gives the exact
/// unnormalised posterior that MCMC samples to make reference posteriors (as sbibm made its own), and it lets
/// tests check a simulator against its model. Its <see cref="IUnnormalisedLikelihood.LogLikelihoodUpToData"/> is
/// <see cref="LogLikelihood"/> itself (c(x) = 0) unless a task overrides it.
/// </summary>
public interface ITractableLikelihood : IUnnormalisedLikelihood
{
    /// <summary>
    /// log p(x | θ), normalised over x: every term that depends on θ or x is included, so the value is a true
    /// log-density in x for fixed θ. −∞ where x is impossible under θ.
    /// </summary>
    /// <param name="theta">The parameters, as many as the task's prior has.</param>
    /// <param name="x">The data, as many values as the task's simulator returns.</param>
    double LogLikelihood(ReadOnlySpan<float> theta, ReadOnlySpan<float> x);

    /// <summary>The normalised log-likelihood, which is in particular one with c(x) = 0.</summary>
    /// <param name="theta">The parameters, as many as the task's prior has.</param>
    /// <param name="x">The data, as many values as the task's simulator returns.</param>
    double IUnnormalisedLikelihood.LogLikelihoodUpToData(ReadOnlySpan<float> theta, ReadOnlySpan<float> x) => LogLikelihood(theta, x);
}
