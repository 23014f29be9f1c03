using Gatsbi.Distributions;
using Gatsbi.Posteriors;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Diagnostics;

/// <summary>
/// A reference-free measure of posterior quality: the mean energy score ES(q(· | x), θ) over fresh pairs
/// (θ, x) from the prior and the simulator, beside the same score of the prior itself used as the
/// "posterior". The energy score is strictly proper (Gneiting and Raftery 2007), so its mean over the joint
/// is lowest for the true posterior; the prior ignores x and is the score of a method that learnt nothing.
/// <see cref="Skill"/> = 1 − posterior / prior is 0 for a posterior no better than the prior and approaches
/// the true posterior's skill, which depends on how much x says about θ, from below.
/// θ is standardised by the per-column standard deviation of the pairs' θ so that no parameter dominates.
/// A pair for which the posterior gives fewer than 2 samples inside the prior's support (all its mass lies
/// outside) cannot be scored; it is left out of both scores and counted in <see cref="UnscoredPairs"/>.
/// </summary>
/// <param name="PosteriorScore">Mean energy score of the posterior over the scored pairs, in standardised θ units; lower is better.</param>
/// <param name="PriorScore">Mean energy score of the prior over the same pairs: the baseline of a posterior that ignores x.</param>
/// <param name="Pairs">Simulated pairs (θ, x) asked for, scored or not.</param>
/// <param name="Draws">Posterior samples (and prior draws) per pair.</param>
/// <param name="UnscoredPairs">Pairs left out because the posterior gave fewer than 2 samples for them.</param>
public sealed record EnergyScoreSkill(double PosteriorScore, double PriorScore, int Pairs, int Draws, int UnscoredPairs)
{
    /// <summary>1 − <see cref="PosteriorScore"/> / <see cref="PriorScore"/>: higher is better, 0 is the prior's level.</summary>
    public double Skill => 1 - PosteriorScore / PriorScore;

    /// <summary>
    /// Scores <paramref name="posterior"/> on <paramref name="pairs"/> simulations with <paramref name="draws"/>
    /// posterior samples each (and as many prior draws for the baseline). Deterministic for a seed.
    /// </summary>
    /// <param name="posterior">The posterior to score; it must take the simulator's data and return the prior's parameters.</param>
    /// <param name="prior">Draws the pairs' θ and the baseline's samples.</param>
    /// <param name="simulator">Simulates one x per θ.</param>
    /// <param name="pairs">Simulated pairs to score; at least 2 (the standardisation needs a standard deviation).</param>
    /// <param name="draws">Posterior samples per pair; at least 2 (the score's spread term needs a pair of samples).</param>
    /// <param name="seed">Root seed of the simulations, the posterior's sampling and the prior's baseline draws.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pairs"/> or <paramref name="draws"/> is below 2.</exception>
    /// <exception cref="InvalidOperationException">The posterior gave fewer than 2 samples for every pair, so nothing could be scored.</exception>
    public static EnergyScoreSkill Compute(IPosterior posterior, IPrior prior, ISimulator simulator, int pairs, int draws, ulong seed)
    {
        if (pairs < 2) throw new ArgumentOutOfRangeException(nameof(pairs), $"Energy score skill needs at least 2 pairs; got {pairs}.");
        if (draws < 2) throw new ArgumentOutOfRangeException(nameof(draws), $"Energy score skill needs at least 2 draws per pair; got {draws}.");
        var data = new SimulationRunner().Run(prior, simulator, pairs, seed);
        var scale = ColumnStandardDeviations(data.Theta);
        var rng = new Rng(seed ^ 0x9E3779B97F4A7C15UL);
        double posteriorSum = 0, priorSum = 0;
        int unscored = 0;
        for (int i = 0; i < pairs; i++)
        {
            var samples = posterior.Sample(data.X.Row(i), draws, seed + (ulong)i + 1).Samples;
            // The prior's draws are taken for every pair, scored or not, so the baseline of a pair does not
            // depend on whether an earlier pair was scored.
            var priorSamples = prior.Sample(draws, rng);
            if (samples.GetLength(0) < 2)
            {
                unscored++;
                continue;
            }
            posteriorSum += Score(samples, data.Theta.Row(i), scale);
            priorSum += Score(priorSamples, data.Theta.Row(i), scale);
        }
        int scored = pairs - unscored;
        if (scored == 0)
            throw new InvalidOperationException($"The posterior gave fewer than 2 samples inside the prior's support for all {pairs} simulations; nothing could be scored.");
        return new EnergyScoreSkill(posteriorSum / scored, priorSum / scored, pairs, draws, unscored);
    }

    /// <summary>The unbiased estimate E‖S − θ‖ − ½ E‖S − S′‖ over the rows of <paramref name="samples"/>, in units of <paramref name="scale"/>.</summary>
    internal static double Score(float[,] samples, ReadOnlySpan<float> theta, double[] scale)
    {
        int m = samples.GetLength(0), d = samples.GetLength(1);
        double toTruth = 0, between = 0;
        for (int j = 0; j < m; j++)
        {
            double s = 0;
            for (int c = 0; c < d; c++) s += Square((samples[j, c] - theta[c]) / scale[c]);
            toTruth += Math.Sqrt(s);
            for (int k = j + 1; k < m; k++)
            {
                double t = 0;
                for (int c = 0; c < d; c++) t += Square((samples[j, c] - samples[k, c]) / scale[c]);
                between += Math.Sqrt(t);
            }
        }
        // between sums the m(m − 1)/2 unordered pairs, so it is half the sum over ordered pairs j ≠ k.
        return toTruth / m - between / (m * (m - 1.0));
    }

    private static double Square(double v) => v * v;

    private static double[] ColumnStandardDeviations(float[,] theta)
    {
        int n = theta.GetLength(0), d = theta.GetLength(1);
        var scale = new double[d];
        for (int c = 0; c < d; c++)
        {
            double mean = 0, sq = 0;
            for (int i = 0; i < n; i++) mean += theta[i, c];
            mean /= n;
            for (int i = 0; i < n; i++) sq += Square(theta[i, c] - mean);
            double sd = Math.Sqrt(sq / (n - 1));
            scale[c] = sd > 0 ? sd : 1;
        }
        return scale;
    }
}
