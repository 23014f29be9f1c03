namespace Gatsbi.Inference.Reference;

/// <summary>
/// log(p̃(u)/q(u)) for batches of proposals, the likelihoods evaluated in parallel: each row is computed on its
/// own, so the values do not depend on the number of threads.
/// </summary>
internal sealed class RatioEvaluator(UnboundedPosterior target, MixtureProposal proposal, int? maxThreads)
{
    /// <summary>One log-ratio per row of <paramref name="u"/>: −∞ where the posterior density is zero or the row is not finite.</summary>
    public double[] LogRatios(float[,] u)
    {
        int n = u.GetLength(0), d = target.Dimension;
        var logProposal = proposal.LogDensity(u);
        var result = new double[n];
        ParallelLoop.For(0, n, maxThreads, i =>
        {
            if (double.IsNegativeInfinity(logProposal[i]))
            {
                // q = 0 only for rows that are not finite (the prior component is positive on the whole space).
                result[i] = double.NegativeInfinity;
                return;
            }
            Span<double> row = stackalloc double[d];
            for (int j = 0; j < d; j++) row[j] = u[i, j];
            double logTarget = target.LogDensity(row);
            result[i] = double.IsNegativeInfinity(logTarget) ? logTarget : logTarget - logProposal[i];
        });
        return result;
    }
}
