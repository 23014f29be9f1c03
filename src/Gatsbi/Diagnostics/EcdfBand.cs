using Gatsbi.Randomness;

namespace Gatsbi.Diagnostics;

/// <summary>
/// A simultaneous band for the ECDF difference F̂(z) − z of <see cref="Draws"/> values that are uniform on
/// [0, 1], at the grid z = 1/K, …, (K−1)/K (Säilynoja, Bürkner and Vehtari 2022, "Graphical test for discrete
/// uniformity and its applications in goodness-of-fit evaluation and multiple sample comparison"). Under
/// uniformity N·F̂(z) ~ Binomial(N, z) at each point; the band is the pointwise central binomial interval at
/// level 1 − <see cref="PointwiseLevel"/>, with that level chosen by simulation so that a whole uniform ECDF
/// curve stays inside with probability <see cref="Confidence"/>.
/// </summary>
/// <param name="Draws">Number N of values whose ECDF the band is for; <see cref="Difference"/> and <see cref="Contains"/> accept exactly this many.</param>
/// <param name="Confidence">Probability, in (0, 1), that the whole ECDF difference of N uniform values stays inside the band.</param>
/// <param name="PointwiseLevel">Smallest two-sided binomial tail probability a count may have and still lie inside the band at a grid point; calibrated by simulation.</param>
/// <param name="Points">The grid z_k = k/K, k = 1, …, K − 1, in increasing order.</param>
/// <param name="Lower">Lowest ECDF difference inside the band at each z_k.</param>
/// <param name="Upper">Highest ECDF difference inside the band at each z_k.</param>
public sealed record EcdfBand(int Draws, double Confidence, double PointwiseLevel, double[] Points, double[] Lower, double[] Upper)
{
    /// <summary>Uniform samples simulated to calibrate the pointwise level; the 1% quantile of their minima is then known to about ±0.1%.</summary>
    public const int DefaultSimulations = 10_000;

    /// <summary>Default grid size K: enough points to follow an ECDF of a thousand values, few enough to keep the simulation cheap.</summary>
    public const int DefaultPoints = 100;

    /// <summary>Fixed seed of the calibration, so that the same draw count always gives the same band.</summary>
    public const ulong DefaultSeed = 20220101;

    /// <summary>
    /// Computes the band for <paramref name="draws"/> values on a grid of min(<paramref name="points"/>, draws)
    /// intervals. The simulation costs about <paramref name="simulations"/> × draws random numbers.
    /// </summary>
    /// <param name="draws">Number of values N the band will be applied to; at least 1.</param>
    /// <param name="confidence">Simultaneous coverage of the band, in (0, 1); 0.99 by default.</param>
    /// <param name="points">Requested grid size K (at least 2); capped at max(2, <paramref name="draws"/>), since a finer grid adds nothing.</param>
    /// <param name="simulations">Uniform samples simulated to calibrate the pointwise level; at least 100.</param>
    /// <param name="seed">Root seed of the calibration; the same arguments always give the same band.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="draws"/> &lt; 1, <paramref name="points"/> &lt; 2, <paramref name="simulations"/> &lt; 100, or <paramref name="confidence"/> outside (0, 1).</exception>
    public static EcdfBand Compute(int draws, double confidence = 0.99, int points = DefaultPoints, int simulations = DefaultSimulations, ulong seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(simulations, 100);
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), $"Confidence must lie in (0, 1); got {confidence}.");
        var grid = new Grid(draws, Math.Min(points, Math.Max(2, draws)));

        // Each simulated uniform sample is summarised by its least likely grid point; the band's pointwise
        // level is the (1 − confidence) quantile of those minima, so that fraction of curves leaves the band.
        var minima = new double[simulations];
        var rng = new Rng(Seeds.Derive(seed, Seeds.Streams.Diagnostics));
        var values = new double[draws];
        for (int s = 0; s < simulations; s++)
        {
            for (int i = 0; i < draws; i++) values[i] = rng.NextDouble();
            minima[s] = grid.LeastTailProbability(values);
        }
        Array.Sort(minima);
        double level = minima[(int)Math.Floor((1 - confidence) * simulations)];

        var lower = new double[grid.Count];
        var upper = new double[grid.Count];
        for (int k = 0; k < grid.Count; k++)
        {
            var (low, high) = grid.Interval(k, level);
            lower[k] = low / (double)draws - grid.Points[k];
            upper[k] = high / (double)draws - grid.Points[k];
        }
        return new EcdfBand(draws, confidence, level, grid.Points, lower, upper);
    }

    /// <summary>The ECDF difference F̂(z_k) − z_k of <paramref name="values"/> (in [0, 1]) at this band's grid.</summary>
    /// <returns>One value per entry of <see cref="Points"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> does not hold exactly <see cref="Draws"/> values.</exception>
    public double[] Difference(IReadOnlyList<double> values)
    {
        if (values.Count != Draws) throw new ArgumentException($"The band was computed for {Draws} values; got {values.Count}.", nameof(values));
        var counts = Grid.CountsAtOrBelow(values, Points);
        return counts.Select((c, k) => c / (double)Draws - Points[k]).ToArray();
    }

    /// <summary>True when the ECDF difference of <paramref name="values"/> stays inside the band at every grid point.</summary>
    /// <exception cref="ArgumentException"><paramref name="values"/> does not hold exactly <see cref="Draws"/> values.</exception>
    public bool Contains(IReadOnlyList<double> values)
    {
        var difference = Difference(values);
        // The bounds are exact multiples of 1/N minus z, as is the difference; the tolerance absorbs rounding.
        const double Rounding = 1e-9;
        for (int k = 0; k < Points.Length; k++)
            if (difference[k] < Lower[k] - Rounding || difference[k] > Upper[k] + Rounding) return false;
        return true;
    }

    /// <summary>The grid with each point's two-sided binomial tail probabilities.</summary>
    private sealed class Grid
    {
        private readonly double[][] _lowerTail, _upperTail;

        public Grid(int draws, int intervals)
        {
            Points = Enumerable.Range(1, intervals - 1).Select(k => k / (double)intervals).ToArray();
            _lowerTail = new double[Points.Length][];
            _upperTail = new double[Points.Length][];
            for (int k = 0; k < Points.Length; k++)
                (_lowerTail[k], _upperTail[k]) = UniformityStatistics.BinomialTails(draws, Points[k]);
        }

        public double[] Points { get; }
        public int Count => Points.Length;

        /// <summary>min over k of the two-sided tail probability of the count at or below z_k.</summary>
        public double LeastTailProbability(IReadOnlyList<double> values)
        {
            var counts = CountsAtOrBelow(values, Points);
            double least = 1;
            for (int k = 0; k < Points.Length; k++) least = Math.Min(least, TwoSided(k, counts[k]));
            return least;
        }

        /// <summary>The counts whose two-sided tail probability is at least <paramref name="level"/>: an interval, as one tail grows while the other shrinks.</summary>
        public (int Low, int High) Interval(int k, double level)
        {
            int n = _lowerTail[k].Length - 1;
            int low = 0;
            while (low < n && TwoSided(k, low) < level) low++;
            int high = n;
            while (high > low && TwoSided(k, high) < level) high--;
            return (low, high);
        }

        private double TwoSided(int k, int count) => Math.Min(1, 2 * Math.Min(_lowerTail[k][count], _upperTail[k][count]));

        /// <summary>#{v ≤ z_k} for every grid point, by one pass of binning (the grid is z_k = k/K).</summary>
        public static int[] CountsAtOrBelow(IReadOnlyList<double> values, double[] points)
        {
            int intervals = points.Length + 1;
            var perInterval = new int[intervals + 1];
            foreach (double v in values)
            {
                // Bin b holds (b/K, (b+1)/K]; a value exactly on a grid point counts as at or below it.
                int bin = (int)Math.Ceiling(v * intervals) - 1;
                perInterval[Math.Clamp(bin, 0, intervals)]++;
            }
            var counts = new int[points.Length];
            int running = 0;
            for (int k = 0; k < points.Length; k++) counts[k] = running += perInterval[k];
            return counts;
        }
    }
}
