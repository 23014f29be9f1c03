using Gatsbi.Posteriors;
using Gatsbi.Randomness;

namespace Gatsbi.Inference.Reference;

/// <summary>
/// The defensive proposal q(u) = (1 − w_t − w_p)·flow(u) + w_t·t(u) + w_p·prior(u) in the unbounded space
/// (Hesterberg 1995, "Weighted average importance sampling and defensive mixture distributions"): the prior
/// component keeps q positive wherever the posterior is, so the ratio p̃/q stays bounded even where the flow
/// missed a mode, and the Student-t at the MCMC draws' moments keeps it small in the tails the flow underestimates.
/// </summary>
internal sealed class MixtureProposal(NpePosterior flow, StudentTProposal? studentT, double studentTWeight, UnboundedPosterior target, double priorWeight)
{
    /// <summary>The flow was fitted with this constant as its conditioning x.</summary>
    private static readonly float[] Context = [0f];

    public int Dimension => target.Dimension;

    private enum Component : byte { Flow, StudentT, Prior }

    /// <summary>
    /// <paramref name="count"/> draws, each from a component chosen with its weight, in random order; the same
    /// seed gives the same draws.
    /// </summary>
    public float[,] Sample(int count, ulong seed)
    {
        var rng = new Rng(Seeds.Derive(seed, Seeds.Streams.Prior));
        var chosen = new Component[count];
        int priorCount = 0, flowCount = 0;
        double tWeight = studentT is null ? 0 : studentTWeight;
        for (int i = 0; i < count; i++)
        {
            double v = rng.NextDouble();
            chosen[i] = v < priorWeight ? Component.Prior : v < priorWeight + tWeight ? Component.StudentT : Component.Flow;
            if (chosen[i] == Component.Prior) priorCount++;
            else if (chosen[i] == Component.Flow) flowCount++;
        }
        var priorDraws = target.ToUnbounded(target.Prior.Sample(priorCount, rng));
        var flowDraws = flow.Sample(Context, flowCount, Seeds.Derive(seed, Seeds.Streams.Sampling)).Samples;
        var draws = new float[count, Dimension];
        int p = 0, f = 0;
        for (int i = 0; i < count; i++)
        {
            switch (chosen[i])
            {
                case Component.Prior: priorDraws.Row(p++).CopyTo(draws.Row(i)); break;
                case Component.Flow: flowDraws.Row(f++).CopyTo(draws.Row(i)); break;
                default: studentT!.Sample(rng, draws.Row(i)); break;
            }
        }
        return draws;
    }

    /// <summary>log q(u) for each row of <paramref name="u"/>; rows with a non-finite value get −∞.</summary>
    public double[] LogDensity(float[,] u)
    {
        int n = u.GetLength(0);
        var logFlow = flow.LogProb(u, Context);
        double tWeight = studentT is null ? 0 : studentTWeight;
        double logFlowWeight = Math.Log(1 - priorWeight - tWeight), logPriorWeight = Math.Log(priorWeight), logTWeight = Math.Log(tWeight);
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
            double c = studentT is null ? double.NegativeInfinity : logTWeight + studentT.LogDensity(row);
            double max = Math.Max(a, Math.Max(b, c));
            result[i] = double.IsNegativeInfinity(max) ? max : max + Math.Log(Math.Exp(a - max) + Math.Exp(b - max) + Math.Exp(c - max));
        }
        return result;
    }
}
