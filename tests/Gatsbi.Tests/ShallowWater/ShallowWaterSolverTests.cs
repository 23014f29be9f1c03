using Gatsbi.Benchmarks.ShallowWater;
using Gatsbi.Randomness;

namespace Gatsbi.Tests.ShallowWater;

public sealed class ShallowWaterSolverTests
{
    private const int Cells = ShallowWaterSolver.Cells;

    /// <summary>Absolute depths of <paramref name="count"/> prior draws (θ + 10), from a fixed seed.</summary>
    private static float[][] PriorDepths(int count, ulong seed)
    {
        var theta = DepthPrior.Create().Sample(count, new Rng(seed));
        return Enumerable.Range(0, count).Select(i => theta.Row(i).ToArray().Select(t => t + 10f).ToArray()).ToArray();
    }

    private static float[] Flat(float depth) => Enumerable.Repeat(depth, Cells).ToArray();

    private static double RowSum(float[] zeta, int row)
    {
        double sum = 0;
        for (int j = 0; j < Cells; j++) sum += zeta[row * Cells + j];
        return sum;
    }

    [Fact]
    public void Output_has_101_hourly_rows_starting_from_the_bump_in_cell_2()
    {
        var solver = new ShallowWaterSolver();
        var zeta = new float[ShallowWaterSolver.Snapshots * Cells];
        solver.Solve(PriorDepths(1, 3)[0], zeta);
        Assert.Equal(101, ShallowWaterSolver.Snapshots);
        Assert.Equal(1200, solver.LastSteps);
        Assert.Equal(0.1f, zeta[1]);
        for (int j = 0; j < Cells; j++) if (j != 1) Assert.Equal(0f, zeta[j]);
        // Every value is a multiple of 1e-4 (to float32 precision): the original's 4-decimal text output.
        foreach (var v in zeta) Assert.True(Math.Abs(v * 1e4 - Math.Round(v * 1e4)) < 1e-3, $"{v} is not rounded to 1e-4");
        Assert.Contains(zeta.Skip(Cells), v => v != 0);
    }

    /// <summary>
    /// Continuity in flux form conserves Σζ exactly up to float32 round-off, so the unrounded mass stays at the
    /// bump's 0.1 within the 2e-4 an independent double-precision implementation of the scheme measured. The rounded output adds up to ±5e-5 per
    /// cell; its sums are checked against 2e-4 + 5 × the rounding error's std over 100 cells (5 × 2.9e-4).
    /// </summary>
    [Fact]
    public void Mass_is_conserved_for_prior_draws_and_a_flat_bottom()
    {
        var solver = new ShallowWaterSolver();
        var unrounded = new float[101 * Cells];
        var rounded = new float[101 * Cells];
        foreach (var depth in PriorDepths(3, 11).Append(Flat(10f)))
        {
            solver.SolveUnrounded(depth, ShallowWaterSolver.StepsPerSnapshot, ShallowWaterSolver.Steps, unrounded);
            solver.Solve(depth, rounded);
            for (int row = 0; row < 101; row++)
            {
                Assert.InRange(RowSum(unrounded, row), 0.1 - 2e-4, 0.1 + 2e-4);
                Assert.InRange(RowSum(rounded, row), 0.1 - 1.65e-3, 0.1 + 1.65e-3);
            }
        }
    }

    /// <summary>
    /// Cells 1 and 100 are forced dry whatever θ says, and an interior cell with d ≤ 0.1 is a wall: it stays at
    /// exactly 0 and no water crosses it, so everything beyond it stays exactly 0 and the left part keeps the mass.
    /// </summary>
    [Fact]
    public void Dry_cells_stay_exactly_zero_and_block_the_wave()
    {
        var depth = PriorDepths(1, 5)[0];
        depth[0] = 50f;    // would be wet if the walls were not forced
        depth[99] = 50f;
        depth[49] = 0.05f; // interior dry cell
        var solver = new ShallowWaterSolver();
        var zeta = new float[101 * Cells];
        solver.Solve(depth, zeta);
        for (int row = 0; row < 101; row++)
        {
            Assert.Equal(0f, zeta[row * Cells]);
            Assert.Equal(0f, zeta[row * Cells + 99]);
            for (int j = 49; j < Cells; j++) Assert.Equal(0f, zeta[row * Cells + j]);
        }
        var unrounded = new float[101 * Cells];
        solver.SolveUnrounded(depth, 12, 1200, unrounded);
        for (int row = 0; row < 101; row++) Assert.InRange(RowSum(unrounded, row), 0.1 - 2e-4, 0.1 + 2e-4);
        Assert.Contains(zeta.Skip(Cells), v => v != 0);
    }

    /// <summary>
    /// The system is strongly diagonally dominant (off-diagonals ≈ 0.022), and the iterate is warm-started, so
    /// an independent implementation of the scheme measured 4–5 sweeps a step. The range 2..10 allows for a different but sane stopping
    /// detail while catching a broken iteration (1 sweep would mean no convergence test; tens mean divergence
    /// or a lost warm start).
    /// </summary>
    [Fact]
    public void Jacobi_converges_in_about_four_to_five_sweeps_per_step()
    {
        var solver = new ShallowWaterSolver();
        var zeta = new float[101 * Cells];
        foreach (var depth in PriorDepths(3, 17))
        {
            solver.Solve(depth, zeta);
            double perStep = solver.LastSweeps / (double)solver.LastSteps;
            Assert.InRange(perStep, 2, 10);
            Assert.InRange(solver.LastMaxSweepsPerStep, 2, 10);
        }
    }

    /// <summary>
    /// Jacobi stops at a 1e-6 change, the Thomas solve is exact: they agree to about 1e-6 (see
    /// <see cref="ElevationSolve.Thomas"/>), below the 1e-4 rounding, so rounded outputs may differ only by one rounding step, and rarely.
    /// </summary>
    [Fact]
    public void Thomas_option_agrees_with_Jacobi_to_the_output_rounding()
    {
        var depth = PriorDepths(1, 23)[0];
        var jacobi = new float[101 * Cells];
        var thomas = new float[101 * Cells];
        new ShallowWaterSolver(ElevationSolve.Jacobi).Solve(depth, jacobi);
        var solver = new ShallowWaterSolver(ElevationSolve.Thomas);
        solver.Solve(depth, thomas);
        Assert.Equal(0, solver.LastSweeps);
        int differing = 0;
        for (int i = 0; i < jacobi.Length; i++)
        {
            Assert.True(Math.Abs(jacobi[i] - thomas[i]) <= 1.01e-4, $"value {i}: Jacobi {jacobi[i]}, Thomas {thomas[i]}");
            if (jacobi[i] != thomas[i]) differing++;
        }
        Assert.True(differing < jacobi.Length / 100, $"{differing} of {jacobi.Length} rounded values differ");
    }

    /// <summary>
    /// Over a flat 10 m bottom the linearised waves travel at √(g h) ≈ 9.90 m/s (drag is negligible at these
    /// speeds). Timing the pulse between cells 30 and 70 (400 km, before any reflection off the right wall), from
    /// every step's unrounded ζ, cancels the start-up offset. The half-maximum front travels at the long-wave
    /// speed (measured +0.5%); the peak of the dispersing one-cell pulse lags a little (measured −1.3%), because
    /// the grid's shorter waves are slower. 3% separates these from a wrong g, Δx or Δt (factors of 2 or √2).
    /// </summary>
    [Fact]
    public void Flat_bottom_wave_travels_at_the_linear_wave_speed()
    {
        const int steps = 300;
        var zeta = new float[(steps + 1) * Cells];
        new ShallowWaterSolver().SolveUnrounded(Flat(10f), 1, steps, zeta);
        // The original Fortran's g, Δx and Δt (gatsbi/task_utils/shallow_water_model/shallow_water01_modified.f90 in
        // github.com/mackelab/gatsbi) as literals, so that a wrong constant in the solver fails here.
        double speed = Math.Sqrt(9.81 * 10.0);
        double distance = 40 * 10_000.0;
        var (peak30, front30) = Arrival(zeta, 30, steps);
        var (peak70, front70) = Arrival(zeta, 70, steps);
        double frontSpeed = distance / ((front70 - front30) * 300.0);
        double peakSpeed = distance / ((peak70 - peak30) * 300.0);
        Assert.InRange(frontSpeed / speed, 0.97, 1.03);
        Assert.InRange(peakSpeed / speed, 0.97, 1.03);
    }

    /// <summary>Step of the maximum at <paramref name="cell"/> (parabolic interpolation) and the step at which ζ first reaches half of it (linear).</summary>
    private static (double Peak, double Front) Arrival(float[] zeta, int cell, int steps)
    {
        int best = 1;
        for (int t = 1; t < steps; t++) if (zeta[t * Cells + cell] > zeta[best * Cells + cell]) best = t;
        double a = zeta[(best - 1) * Cells + cell], b = zeta[best * Cells + cell], c = zeta[(best + 1) * Cells + cell];
        double peak = best + 0.5 * (a - c) / (a - 2 * b + c);
        int front = 0;
        while (zeta[front * Cells + cell] < 0.5 * b) front++;
        double f0 = zeta[(front - 1) * Cells + cell], f1 = zeta[front * Cells + cell];
        return (peak, front - 1 + (0.5 * b - f0) / (f1 - f0));
    }
}
