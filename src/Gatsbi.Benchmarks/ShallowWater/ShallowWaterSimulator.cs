using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Benchmarks.ShallowWater;

/// <summary>
/// The GATSBI paper's shallow-water simulator (Ramesh et al. 2022, Section 4.2 and its appendix; in the original code,
/// gatsbi/task_utils/shallow_water_model/simulator.py and dataloader.py of github.com/mackelab/gatsbi) for the centred depths θ = d − 10
/// (100 values; d = θ + 10 goes into <see cref="ShallowWaterSolver"/>). x is the 2-D spectrum of the rounded
/// 101 × 100 ζ snapshots, F = fft2(Z) (numpy convention, float64, see <see cref="Spectrum2D"/>), with the
/// zero-temporal-frequency row k = 0 dropped as the original's data loader does, plus i.i.d. N(0, σ²) noise
/// (σ = 0.25 by default, gain 1).
/// <para>
/// <b>Layout of x</b> (20,000 values): C order of shape (2, 100, 100), index = c · 10,000 + (k − 1) · 100 + l,
/// with channel c = 0 the real and c = 1 the imaginary part, k = 1..100 the temporal and l = 0..99 the spatial
/// frequency.
/// </para>
/// <para>
/// The original adds noise to all 2 × 101 × 100 values and then drops row 0; here noise is drawn only for the
/// 20,000 values kept, in index order. The distribution of x is the same; the random stream differs from a
/// draw-then-drop order, which no reproducibility requirement ties us to.
/// </para>
/// <para>
/// Thread-safe: each <see cref="Simulate"/> call makes its own solver and spectrum work buffers (about 0.4 MB,
/// once per batch, not per simulation), so concurrent calls on different batches share nothing mutable.
/// </para>
/// </summary>
public sealed class ShallowWaterSimulator : ISimulator
{
    /// <summary>Temporal-frequency rows kept: k = 1..100 of the 101.</summary>
    public const int KeptFrequencies = ShallowWaterSolver.Snapshots - 1;

    /// <summary>Values per channel of x: 100 temporal × 100 spatial frequencies.</summary>
    public const int ChannelSize = KeptFrequencies * ShallowWaterSolver.Cells;

    /// <summary>Default observation-noise standard deviation (the original's 0.25, with gain 1).</summary>
    public const double DefaultNoiseStd = 0.25;

    /// <param name="noiseStd">Standard deviation of the Gaussian noise added to every value of x; 0 gives the noiseless spectrum.</param>
    /// <param name="elevationSolve">How the solver finds the new elevation each step; Jacobi (the original's) by default.</param>
    public ShallowWaterSimulator(double noiseStd = DefaultNoiseStd, ElevationSolve elevationSolve = ElevationSolve.Jacobi)
    {
        if (!(noiseStd >= 0) || double.IsInfinity(noiseStd))
            throw new ArgumentOutOfRangeException(nameof(noiseStd), $"The noise std must be finite and non-negative; got {noiseStd}.");
        NoiseStd = noiseStd;
        ElevationSolve = elevationSolve;
    }

    /// <summary>Standard deviation of the Gaussian noise on every value of x; 0 for the noiseless spectrum.</summary>
    public double NoiseStd { get; }

    /// <summary>How the solver finds the new elevation each step.</summary>
    public ElevationSolve ElevationSolve { get; }

    /// <summary>100: the centred depths θ = d − 10, one per cell.</summary>
    public int ParameterDimension => DepthPrior.Dimension;

    /// <summary>20,000: the spectrum, 2 × 100 × 100 values in the layout above.</summary>
    public int DataDimension => 2 * ChannelSize;

    /// <summary>
    /// Fills each row of <paramref name="x"/> with the noisy spectrum for the matching row of <paramref name="theta"/>
    /// (rows × 100 centred depths). A row of θ with a non-finite value is a failed simulation: its x row is all NaN and
    /// no noise is drawn for it.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="theta"/> does not have 100 columns, or <paramref name="x"/> not 20,000 columns and as many rows.</exception>
    public void Simulate(float[,] theta, float[,] x, Rng rng)
    {
        if (theta.GetLength(1) != ParameterDimension || x.GetLength(1) != DataDimension || x.GetLength(0) != theta.GetLength(0))
            throw new ArgumentException($"Shallow water maps {theta.GetLength(0)}×{ParameterDimension} θ to as many rows of {DataDimension} x; got θ {theta.GetLength(0)}×{theta.GetLength(1)} and x {x.GetLength(0)}×{x.GetLength(1)}.");
        var workspace = new Workspace(ElevationSolve);
        for (int i = 0; i < theta.GetLength(0); i++)
        {
            var row = x.Row(i);
            // The solver would quietly treat a NaN depth as a dry cell; a non-finite θ is a failed simulation
            // instead (a NaN row, no noise drawn), as ISimulator asks.
            if (!IsFinite(theta.Row(i)))
            {
                row.Fill(float.NaN);
                continue;
            }
            workspace.Noiseless(theta.Row(i), row);
            if (NoiseStd > 0)
                for (int j = 0; j < row.Length; j++) row[j] = (float)(row[j] + NoiseStd * rng.Normal());
        }
    }

    private static bool IsFinite(ReadOnlySpan<float> values)
    {
        foreach (var v in values) if (!float.IsFinite(v)) return false;
        return true;
    }

    /// <summary>x without noise for one centred depth profile θ (100 values): the spectrum in the layout above.</summary>
    public float[] Noiseless(ReadOnlySpan<float> theta)
    {
        var x = new float[DataDimension];
        new Workspace(ElevationSolve).Noiseless(theta, x);
        return x;
    }

    /// <summary>
    /// The full complex spectrum F (101 × 100, row-major, k = 0..100 including the dropped row) of the rounded ζ
    /// for one centred θ; F[0, 0] = Σ Z ≈ 101 × 0.1 by conservation of mass.
    /// </summary>
    public (double[] Real, double[] Imaginary) FullSpectrum(ReadOnlySpan<float> theta)
    {
        var workspace = new Workspace(ElevationSolve);
        workspace.Transform(theta);
        return (workspace.Real.ToArray(), workspace.Imaginary.ToArray());
    }

    /// <summary>One thread's solver, spectrum and buffers, reused for every row of a batch.</summary>
    private sealed class Workspace(ElevationSolve elevationSolve)
    {
        private const int Values = ShallowWaterSolver.Snapshots * ShallowWaterSolver.Cells;
        private readonly ShallowWaterSolver _solver = new(elevationSolve);
        private readonly Spectrum2D _spectrum = new(ShallowWaterSolver.Snapshots, ShallowWaterSolver.Cells);
        private readonly float[] _depth = new float[ShallowWaterSolver.Cells];
        private readonly float[] _zeta = new float[Values];
        private readonly double[] _zetaDouble = new double[Values];

        public double[] Real { get; } = new double[Values];
        public double[] Imaginary { get; } = new double[Values];

        public void Transform(ReadOnlySpan<float> theta)
        {
            if (theta.Length != ShallowWaterSolver.Cells)
                throw new ArgumentException($"θ has {theta.Length} values; the shallow-water model takes {ShallowWaterSolver.Cells}.");
            // d = θ + 10 in float32, as the original converts the prior draw to float32 before the Fortran.
            for (int j = 0; j < _depth.Length; j++) _depth[j] = theta[j] + (float)DepthPrior.MeanDepth;
            _solver.Solve(_depth, _zeta);
            for (int j = 0; j < Values; j++) _zetaDouble[j] = ShallowWaterSolver.RoundedToDouble(_zeta[j]);
            _spectrum.Forward(_zetaDouble, Real, Imaginary);
        }

        public void Noiseless(ReadOnlySpan<float> theta, Span<float> x)
        {
            Transform(theta);
            // Drop k = 0: the kept rows k = 1..100 are the contiguous tail of the row-major spectrum.
            int offset = ShallowWaterSolver.Cells;
            for (int j = 0; j < ChannelSize; j++)
            {
                x[j] = (float)Real[offset + j];
                x[ChannelSize + j] = (float)Imaginary[offset + j];
            }
        }
    }
}
