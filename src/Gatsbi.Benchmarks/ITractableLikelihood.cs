namespace Gatsbi.Benchmarks;

/// <summary>
/// A benchmark task whose data model has a closed-form likelihood. With the prior's density it gives the exact
/// unnormalised posterior that MCMC samples to make reference posteriors (as sbibm made its own), and it lets
/// tests check a simulator against its model.
/// </summary>
public interface ITractableLikelihood
{
    /// <summary>
    /// log p(x | θ), normalised over x: every term that depends on θ or x is included, so the value is a true
    /// log-density in x for fixed θ. −∞ where x is impossible under θ.
    /// </summary>
    /// <param name="theta">The parameters, as many as the task's prior has.</param>
    /// <param name="x">The data, as many values as the task's simulator returns.</param>
    double LogLikelihood(ReadOnlySpan<float> theta, ReadOnlySpan<float> x);
}
