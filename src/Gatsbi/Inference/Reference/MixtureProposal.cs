using Gatsbi.Posteriors;
using Gatsbi.Randomness;

namespace Gatsbi.Inference.Reference;

/// <summary>
/// The defensive proposal q(u) = (1 − w)·flow(u) + w·prior(u) in the unbounded space (Hesterberg 1995, "Weighted
/// average importance sampling and defensive mixture distributions"): the prior component keeps q positive
/// wherever the posterior is, so the ratio p̃/q stays bounded even where the flow missed mass.
/// </summary>
internal sealed class MixtureProposal(NpePosterior flow, UnboundedPosterior target, double priorWeight)
{
    /// <summary>The flow was fitted with this constant as its conditioning x.</summary>
    private static readonly float[] Context = [0f];

    public int Dimension => target.Dimension;

    /// <summary>
    /// <paramref name="count"/> draws, each from the prior with probability w and from the flow otherwise, in
    /// random order; the same seed gives the same draws.
    /// </summary>
    public float[,] Sample(int count, ulong seed)
    {
        var rng = new Rng(Seeds.Derive(seed, Seeds.Streams.Prior));
        var fromPrior = new bool[count];
        int priorCount = 0;
        for (int i = 0; i < count; i++)
            if (fromPrior[i] = rng.NextDouble() < priorWeight) priorCount++;
        var priorDraws = target.ToUnbounded(target.Prior.Sample(priorCount, rng));
        var flowDraws = flow.Sample(Context, count - priorCount, Seeds.Derive(seed, Seeds.Streams.Sampling)).Samples;
        var draws = new float[count, Dimension];
        int p = 0, f = 0;
        for (int i = 0; i < count; i++)
        {
            var source = fromPrior[i] ? priorDraws.Row(p++) : flowDraws.Row(f++);
            source.CopyTo(draws.Row(i));
        }
        return draws;
    }

    /// <summary>log q(u) for each row of <paramref name="u"/>; rows with a non-finite value get −∞.</summary>
    public double[] LogDensity(float[,] u)
    {
        int n = u.GetLength(0);
        var logFlow = flow.LogProb(u, Context);
        double logFlowWeight = Math.Log(1 - priorWeight), logPriorWeight = Math.Log(priorWeight);
        var result = new double[n];
        Span<double> row = stackalloc double[Dimension];
        Span<float> theta = stackalloc float[Dimension];
        for (int i = 0; i < n; i++)
        {
            if (!u.RowIsFinite(i))
            {
                result[i] = double.NegativeInfinity;
                continue;
            }
            for (int j = 0; j < Dimension; j++) row[j] = u[i, j];
            double a = double.IsNaN(logFlow[i]) ? double.NegativeInfinity : logFlowWeight + logFlow[i];
            double b = logPriorWeight + target.LogPrior(row, theta);
            double max = Math.Max(a, b);
            result[i] = double.IsNegativeInfinity(max) ? max : max + Math.Log(Math.Exp(a - max) + Math.Exp(b - max));
        }
        return result;
    }
}
