using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Benchmarks.ShallowWater;

/// <summary>
/// The shallow water observation with its redundant half folded away: an exact reduction of x from
/// 2 × 100 × 100 to 2 × 50 × 100 values that loses no information about θ.
/// <para>
/// The spectrum of the real ζ field is Hermitian, F[101 − k, −l] = conj F[k, l], and with the zero row dropped
/// the kept rows k = 1..100 pair up exactly (101 is odd, so no row is its own partner). Each coefficient is
/// therefore observed twice, with independent N(0, σ²) noise on each copy. Averaging a pair,
/// (x[k, l] + conj x[101 − k, −l]) / 2, gives the coefficient with noise σ²/2, and because the noise is i.i.d.
/// Gaussian this average is a sufficient statistic for the pair: the posterior given the folded x equals the
/// posterior given the full x. The networks then see half the input at half the cost, with no redundancy to learn.
/// </para>
/// <para>Layout: C order of shape (2, 50, 100), index = c · 5,000 + (k − 1) · 100 + l for k = 1..50.</para>
/// </summary>
public sealed class FoldedSpectrumSimulator(ShallowWaterSimulator full) : ISimulator
{
    /// <summary>Temporal-frequency rows after folding: k = 1..50.</summary>
    public const int Rows = ShallowWaterSimulator.KeptFrequencies / 2;

    /// <summary>Spatial-frequency columns: l = 0..99, as in the full spectrum.</summary>
    public const int Columns = ShallowWaterSolver.Cells;

    /// <summary>Values per channel of the folded x.</summary>
    public const int ChannelSize = Rows * Columns;

    /// <summary>The name a model file gives this layout (training fact "observation_layout"), so that sampling can fold a full observation.</summary>
    public const string LayoutName = "shallow-water-folded";

    /// <summary>Folds the output of a default <see cref="ShallowWaterSimulator"/> (noise std 0.25, Jacobi solve).</summary>
    public FoldedSpectrumSimulator() : this(new ShallowWaterSimulator())
    {
    }

    /// <summary>The simulator whose full 2 × 100 × 100 observation is folded; it sets the noise and the elevation solve.</summary>
    public ShallowWaterSimulator Full { get; } = full;

    /// <summary>100: the centred depths θ = d − 10, one per cell.</summary>
    public int ParameterDimension => Full.ParameterDimension;

    /// <summary>10,000: the folded spectrum, 2 × 50 × 100 values.</summary>
    public int DataDimension => 2 * ChannelSize;

    /// <summary>Simulates the full observation with <see cref="Full"/> and folds each row (<see cref="Fold"/>).</summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> does not have <see cref="DataDimension"/> columns and one row per row of <paramref name="theta"/>.</exception>
    public void Simulate(float[,] theta, float[,] x, Rng rng)
    {
        if (x.GetLength(1) != DataDimension || x.GetLength(0) != theta.GetLength(0))
            throw new ArgumentException($"The folded shallow water observation has {DataDimension} values per row; got x {x.GetLength(0)}×{x.GetLength(1)} for {theta.GetLength(0)} rows of θ.");
        var full = new float[theta.GetLength(0), Full.DataDimension];
        Full.Simulate(theta, full, rng);
        for (int i = 0; i < full.GetLength(0); i++) Fold(full.Row(i), x.Row(i));
    }

    /// <summary>Folds a full observation (2 × 100 × 100, the layout of <see cref="ShallowWaterSimulator"/>) into 2 × 50 × 100.</summary>
    /// <exception cref="ArgumentException"><paramref name="full"/> does not hold 20,000 values or <paramref name="folded"/> 10,000.</exception>
    public static void Fold(ReadOnlySpan<float> full, Span<float> folded)
    {
        const int fullRows = ShallowWaterSimulator.KeptFrequencies, fullChannel = ShallowWaterSimulator.ChannelSize;
        if (full.Length != 2 * fullChannel || folded.Length != 2 * ChannelSize)
            throw new ArgumentException($"Folding takes {2 * fullChannel} values to {2 * ChannelSize}; got {full.Length} and {folded.Length}.");
        for (int r = 0; r < Rows; r++)
        {
            // Row r holds k = r + 1; its partner 101 − k sits at row 99 − r.
            int partner = fullRows - 1 - r;
            for (int l = 0; l < Columns; l++)
            {
                int mirrored = (Columns - l) % Columns;
                int at = r * Columns + l, across = partner * Columns + mirrored;
                folded[at] = 0.5f * (full[at] + full[across]);
                folded[ChannelSize + at] = 0.5f * (full[fullChannel + at] - full[fullChannel + across]);
            }
        }
    }

    /// <summary>Folds an observation given in the full layout; one in the folded layout is returned as it is.</summary>
    /// <returns>A new array of 10,000 values, or <paramref name="observation"/> itself when it has that length already.</returns>
    /// <exception cref="ArgumentException"><paramref name="observation"/> has neither 10,000 nor 20,000 values.</exception>
    public static float[] Folded(float[] observation)
    {
        if (observation.Length == 2 * ChannelSize) return observation;
        var folded = new float[2 * ChannelSize];
        Fold(observation, folded);
        return folded;
    }
}
