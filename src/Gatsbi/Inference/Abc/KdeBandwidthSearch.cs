namespace Gatsbi.Inference.Abc;

/// <summary>One grid of the bandwidth search: the candidates in grid order, their cross-validation scores and the winner.</summary>
/// <param name="Bandwidths">The candidates, in the order they were laid out (a zoom grid can run downwards).</param>
/// <param name="Scores">Mean held-out log-likelihood per fold for each candidate; −∞ for a non-positive candidate.</param>
/// <param name="BestIndex">The first candidate with the highest score.</param>
public sealed record KdeBandwidthGrid(IReadOnlyList<double> Bandwidths, IReadOnlyList<double> Scores, int BestIndex)
{
    /// <summary>The winning candidate, <c>Bandwidths[BestIndex]</c>.</summary>
    public double BestBandwidth => Bandwidths[BestIndex];

    /// <summary>The winning candidate's mean held-out log-likelihood per fold.</summary>
    public double BestScore => Scores[BestIndex];
}

/// <summary>
/// The cross-validated bandwidth search of sbibm's <c>get_kde(bandwidth="cv")</c>, which fits the KDE of both
/// ABC baselines of the sbibm paper. Candidates start as 10 equally spaced values from 0.1·s to 0.5·s, where s
/// is the population standard deviation of all coordinates pooled; each is scored by 20-fold cross-validation
/// (contiguous, unshuffled folds, as scikit-learn's <c>KFold(20)</c>; a fold's score is the total held-out
/// log-likelihood under an unweighted KDE of the other folds; a candidate's score is the mean over folds).
/// The grid is then narrowed at most four times and the search stops early once the best score gains no more
/// than 0.001 on the previous grid's. The bandwidth is the best candidate of the last grid evaluated.
/// Two upstream quirks are reproduced on purpose:
/// <list type="bullet">
/// <item>When the smallest candidate (index 0) wins, upstream centres the next grid on the index, 0, rather
/// than on the bandwidth: with δ = (upper − lower)/10 it runs from +δ down to −δ. Its non-positive candidates
/// are invalid bandwidths and score −∞ here, so they never win.</item>
/// <item>Otherwise the next grid spans the winner and the "second" candidate, which upstream defines as the
/// first one in grid order whose rank is exactly 2 under min-rank tie handling (scipy's
/// <c>rankdata(method="min")</c>).</item>
/// </list>
/// </summary>
/// <param name="PooledStd">s, the population standard deviation of all entries of the points.</param>
/// <param name="Grids">The grids in the order they were evaluated (one to five).</param>
/// <param name="Converged">True when the search stopped on the 0.001 rule, false when it used all five grids.</param>
public sealed record KdeBandwidthSearch(double PooledStd, IReadOnlyList<KdeBandwidthGrid> Grids, bool Converged)
{
    /// <summary>The number of contiguous cross-validation folds (sbibm's <c>KFold(20)</c>); also the fewest points a search accepts.</summary>
    public const int Folds = 20;

    /// <summary>Candidates per grid.</summary>
    public const int GridSize = 10;

    /// <summary>The most grids evaluated: the initial one and up to four narrowings.</summary>
    public const int MaxGrids = 5;

    /// <summary>
    /// The search stops once a grid's best score differs from the previous grid's by no more than this (mean
    /// held-out log-likelihood per fold, in nats).
    /// </summary>
    public const double MinimumGain = 0.001;

    /// <summary>The chosen bandwidth: the best candidate of the last grid.</summary>
    public double Bandwidth => Grids[^1].BestBandwidth;

    /// <summary>Runs the search on <paramref name="points"/> (rows are points), whose row order fixes the folds.</summary>
    /// <remarks>Deterministic: no randomness is involved, so the same points in the same order give the same bandwidth.</remarks>
    /// <exception cref="ArgumentException">
    /// There are fewer than <see cref="Folds"/> points, a point is not finite, or all entries are equal (no spread).
    /// </exception>
    public static KdeBandwidthSearch Run(double[,] points)
    {
        int n = points.GetLength(0);
        if (n < Folds)
            throw new ArgumentException($"A cross-validated KDE bandwidth needs at least {Folds} points (one per fold); got {n}.");
        GaussianKde.CheckFinite(points);
        double pooledStd = PooledStandardDeviation(points);
        if (!(pooledStd > 0))
            throw new ArgumentException($"The KDE points have no spread (pooled standard deviation {pooledStd}), so no bandwidth can be chosen.");

        var scorer = new CrossValidationScorer(points);
        double lower = 0.1 * pooledStd, upper = 0.5 * pooledStd;
        double currentBest = -1e7;
        var grids = new List<KdeBandwidthGrid>();
        for (int round = 0; round < MaxGrids; round++)
        {
            var bandwidths = Linspace(lower, upper, GridSize);
            var scores = scorer.Scores(bandwidths);
            int best = BestIndex(scores);
            grids.Add(new KdeBandwidthGrid(bandwidths, scores, best));
            if (!(Math.Abs(currentBest - scores[best]) > MinimumGain))
                return new KdeBandwidthSearch(pooledStd, grids, Converged: true);
            currentBest = scores[best];
            if (best == 0)
            {
                // Upstream centres on the index (0), not on the bandwidth; see the class summary.
                double diff = (lower - upper) / GridSize;
                (lower, upper) = (best - diff, best + diff);
            }
            else
            {
                lower = bandwidths[best];
                upper = bandwidths[SecondIndex(scores)];
                if (upper < lower) (lower, upper) = (upper, lower);
            }
        }
        return new KdeBandwidthSearch(pooledStd, grids, Converged: false);
    }

    /// <summary>The first index with the highest score (rank 1).</summary>
    internal static int BestIndex(IReadOnlyList<double> scores)
    {
        int best = 0;
        for (int i = 1; i < scores.Count; i++)
            if (scores[i] > scores[best]) best = i;
        return best;
    }

    /// <summary>
    /// The first index whose min-rank is exactly 2 (one candidate scores higher). When several candidates tie
    /// for the top there is no rank 2 and upstream fails; here the second of the tied winners is taken, so the
    /// next grid spans the tie.
    /// </summary>
    internal static int SecondIndex(IReadOnlyList<double> scores)
    {
        int best = BestIndex(scores);
        int second = -1, secondRank = int.MaxValue;
        for (int i = 0; i < scores.Count; i++)
        {
            if (i == best) continue;
            int rank = 1 + scores.Count(s => s > scores[i]);
            if (rank == 2) return i;
            if (rank < secondRank) (second, secondRank) = (i, rank);
        }
        return second;
    }

    /// <summary>NumPy's linspace: start + i·step, with the last value exactly <paramref name="stop"/>.</summary>
    internal static double[] Linspace(double start, double stop, int count)
    {
        var values = new double[count];
        double step = (stop - start) / (count - 1);
        for (int i = 0; i < count; i++) values[i] = start + i * step;
        values[^1] = stop;
        return values;
    }

    private static double PooledStandardDeviation(double[,] points)
    {
        double mean = 0, squares = 0;
        foreach (double v in points) mean += v;
        mean /= points.Length;
        foreach (double v in points) squares += (v - mean) * (v - mean);
        return Math.Sqrt(squares / points.Length);
    }

    /// <summary>
    /// Scores candidate bandwidths by contiguous 20-fold cross-validation. Each held-out point's squared
    /// distances to its training points are computed once per grid and reused for every candidate; the largest
    /// kernel term is the nearest training point's, which keeps the log-sum-exp stable.
    /// </summary>
    private sealed class CrossValidationScorer(double[,] points)
    {
        private readonly int _n = points.GetLength(0);
        private readonly int _dimension = points.GetLength(1);

        public double[] Scores(double[] bandwidths)
        {
            var foldTotals = new double[bandwidths.Length];
            var scores = new double[bandwidths.Length];
            var squared = new double[_n];
            int start = 0;
            for (int fold = 0; fold < Folds; fold++)
            {
                int size = _n / Folds + (fold < _n % Folds ? 1 : 0);
                int end = start + size;
                int trainCount = _n - size;
                Array.Clear(foldTotals);
                for (int i = start; i < end; i++)
                {
                    int count = 0;
                    double nearest = double.PositiveInfinity;
                    for (int k = 0; k < _n; k++)
                    {
                        if (k >= start && k < end) continue;
                        double d2 = SquaredDistance(i, k);
                        squared[count++] = d2;
                        nearest = Math.Min(nearest, d2);
                    }
                    for (int c = 0; c < bandwidths.Length; c++)
                        foldTotals[c] += HeldOutLogDensity(squared.AsSpan(0, count), nearest, trainCount, bandwidths[c]);
                }
                for (int c = 0; c < bandwidths.Length; c++) scores[c] += foldTotals[c] / Folds;
                start = end;
            }
            return scores;
        }

        private double HeldOutLogDensity(ReadOnlySpan<double> squared, double nearest, int trainCount, double bandwidth)
        {
            if (!(bandwidth > 0)) return double.NegativeInfinity;
            double twoH2 = 2 * bandwidth * bandwidth;
            double sum = 0;
            foreach (double d2 in squared) sum += Math.Exp(-(d2 - nearest) / twoH2);
            return -nearest / twoH2 + Math.Log(sum) - Math.Log(trainCount) - 0.5 * _dimension * Math.Log(Math.PI * twoH2);
        }

        private double SquaredDistance(int i, int k)
        {
            double sum = 0;
            for (int j = 0; j < _dimension; j++)
            {
                double d = points[i, j] - points[k, j];
                sum += d * d;
            }
            return sum;
        }
    }
}
