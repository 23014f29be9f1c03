using System.Numerics;

namespace Gatsbi.Benchmarks.ShallowWater;

/// <summary>How <see cref="ShallowWaterSolver"/> solves the tridiagonal system for the new elevation each step.</summary>
public enum ElevationSolve
{
    /// <summary>
    /// The original Fortran's Jacobi iteration (see <see cref="ShallowWaterSolver"/>): about 4–5 sweeps a step, stopped
    /// when no wet cell changes by more than 1e-6, warm-started from the previous step's iterate. The default, for parity.
    /// </summary>
    Jacobi,

    /// <summary>
    /// An exact tridiagonal (Thomas) solve in double precision. It differs from Jacobi by about 1e-6, below the
    /// 1e-4 output rounding, so it can flip a rounded value only where one sits on a rounding boundary.
    /// </summary>
    Thomas,
}

/// <summary>
/// The GATSBI paper's 1-D linearised shallow-water model with quadratic bottom drag (Ramesh et al. 2022, Section 4.2 and
/// its appendix; ported from the Fortran gatsbi/task_utils/shallow_water_model/shallow_water01_modified.f90 of
/// github.com/mackelab/gatsbi):
/// a wave started by a 0.1 m bump in cell 2 runs for 100 h over a basin of the given depth profile, on an
/// Arakawa C-grid (ζ and h at cell centres, u at the face between cell i and i+1) with Backhaus's semi-implicit
/// scheme. All arithmetic is float32, because the original is Fortran <c>real</c> and the rounding of its
/// output (below) makes small differences visible. The result is ζ at t = 0 and every hour, each value rounded
/// to the nearest 1e-4 as the original's 4-decimal text output does.
/// <para>
/// An instance owns its work arrays, allocated once, so a solve allocates nothing; in return an instance is
/// <b>not thread-safe</b>: give each thread its own (they are small, about 12 arrays of 100 values).
/// </para>
/// </summary>
public sealed class ShallowWaterSolver
{
    /// <summary>Number of cells n_x; cells 1 and 100 (indices 0 and 99 here) are forced dry walls.</summary>
    public const int Cells = 100;

    /// <summary>Cell width Δx in metres.</summary>
    public const float CellWidth = 10_000f;

    /// <summary>Time step Δt in seconds.</summary>
    public const float TimeStep = 300f;

    /// <summary>Gravitational acceleration g in m s⁻².</summary>
    public const float Gravity = 9.81f;

    /// <summary>Quadratic bottom-drag coefficient c_d, applied explicitly.</summary>
    public const float DragCoefficient = 1e-3f;

    /// <summary>Implicitness weight w of the gravity terms: 0.5 is Crank–Nicolson between the time levels.</summary>
    public const float Implicitness = 0.5f;

    /// <summary>A cell is wet iff its undisturbed depth exceeds this (metres); dry cells hold ζ = 0 and act as walls.</summary>
    public const float WetThreshold = 0.1f;

    /// <summary>Depth written into the first and last cell before anything else, making them dry walls.</summary>
    public const float WallDepth = -10f;

    /// <summary>Initial elevation of cell 2 (index 1), the first wet cell next to the left wall, in metres.</summary>
    public const float InitialBump = 0.1f;

    /// <summary>Time steps in a run: 1200 × 300 s = 100 h.</summary>
    public const int Steps = 1200;

    /// <summary>Steps between two output snapshots: 12 × 300 s = 1 h.</summary>
    public const int StepsPerSnapshot = 12;

    /// <summary>Output rows: t = 0 and hours 1..100.</summary>
    public const int Snapshots = Steps / StepsPerSnapshot + 1;

    /// <summary>Output values are rounded to a multiple of this, as the original's fixed 4-decimal text output is.</summary>
    public const double OutputResolution = 1e-4;

    /// <summary>The Jacobi iteration stops when no wet cell changes by more than this between sweeps.</summary>
    public const float JacobiTolerance = 1e-6f;

    /// <summary>
    /// Guard against an iteration that never converges (the original has none). The system is strongly
    /// diagonally dominant (off-diagonals ≈ 0.022 against a diagonal ≈ 1.04), so this is never reached for a
    /// finite depth profile. (A NaN depth fails "d > 0.1" and so makes its cell dry; an infinite one can make δ
    /// NaN, which stops the loop at once.)
    /// </summary>
    public const int MaxJacobiSweeps = 10_000;

    private readonly float[] _depth = new float[Cells];
    private readonly bool[] _wet = new bool[Cells];
    private readonly bool[] _faceWet = new bool[Cells];
    private readonly float[] _h = new float[Cells];
    private readonly float[] _zeta = new float[Cells];
    private readonly float[] _u = new float[Cells];
    private readonly float[] _uStar = new float[Cells];
    private readonly float[] _transport = new float[Cells];
    private readonly float[] _transportStar = new float[Cells];
    private readonly float[] _rhs = new float[Cells];
    private readonly float[] _diagonal = new float[Cells];
    private readonly float[] _east = new float[Cells];
    private readonly float[] _west = new float[Cells];
    private readonly float[] _iterate = new float[Cells];
    private readonly float[] _next = new float[Cells];
    private readonly float[] _previous = new float[Cells];
    private readonly double[] _thomasC = new double[Cells];
    private readonly double[] _thomasD = new double[Cells];

    /// <summary>A solver with its work arrays allocated once.</summary>
    /// <param name="elevationSolve">How the new elevation is found each step; the original's Jacobi iteration by default.</param>
    public ShallowWaterSolver(ElevationSolve elevationSolve = ElevationSolve.Jacobi) => ElevationSolve = elevationSolve;

    /// <summary>How the tridiagonal system for the new elevation is solved each step.</summary>
    public ElevationSolve ElevationSolve { get; }

    /// <summary>Total Jacobi sweeps of the last solve (0 with <see cref="ElevationSolve.Thomas"/>); divide by
    /// <see cref="LastSteps"/> for the mean per step.</summary>
    public long LastSweeps { get; private set; }

    /// <summary>Most Jacobi sweeps any single step of the last solve took.</summary>
    public int LastMaxSweepsPerStep { get; private set; }

    /// <summary>Time steps taken by the last solve.</summary>
    public int LastSteps { get; private set; }

    /// <summary>
    /// Runs the model for the absolute depths <paramref name="depth"/> (100 values, metres; the first and last are
    /// overwritten by the walls) and writes the rounded elevation ζ, row-major <see cref="Snapshots"/> × <see cref="Cells"/>
    /// (row = hour 0..100, column = cell), into <paramref name="zeta"/>; and, when <paramref name="velocity"/>
    /// is not empty, the rounded face velocities u in the same layout (the original writes them, inference does
    /// not use them).
    /// </summary>
    public void Solve(ReadOnlySpan<float> depth, Span<float> zeta, Span<float> velocity = default) =>
        Run(depth, StepsPerSnapshot, Steps, round: true, zeta, velocity);

    /// <summary>
    /// Like <see cref="Solve"/>, but records ζ unrounded every <paramref name="stepsPerSnapshot"/> steps for
    /// <paramref name="steps"/> steps (row 0 is t = 0), into <paramref name="zeta"/> of (steps / stepsPerSnapshot + 1) × 100.
    /// For checks of the physics that the 1e-4 rounding and hourly cadence would blur (wave speed, mass).
    /// </summary>
    public void SolveUnrounded(ReadOnlySpan<float> depth, int stepsPerSnapshot, int steps, Span<float> zeta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsPerSnapshot, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 0);
        Run(depth, stepsPerSnapshot, steps, round: false, zeta, default);
    }

    private void Run(ReadOnlySpan<float> depth, int stepsPerSnapshot, int steps, bool round, Span<float> zeta, Span<float> velocity)
    {
        if (depth.Length != Cells) throw new ArgumentException($"The shallow-water model takes {Cells} depths; got {depth.Length}.");
        int rows = steps / stepsPerSnapshot + 1;
        if (zeta.Length != rows * Cells) throw new ArgumentException($"ζ needs {rows}×{Cells} = {rows * Cells} values; got {zeta.Length}.");
        if (!velocity.IsEmpty && velocity.Length != rows * Cells)
            throw new ArgumentException($"u needs {rows}×{Cells} = {rows * Cells} values; got {velocity.Length}.");

        Initialise(depth);
        LastSweeps = 0;
        LastMaxSweepsPerStep = 0;
        LastSteps = steps;
        Record(0, round, zeta, velocity);
        for (int step = 1; step <= steps; step++)
        {
            Step();
            if (step % stepsPerSnapshot == 0) Record(step / stepsPerSnapshot, round, zeta, velocity);
        }
    }

    /// <summary>The original's set-up: walls, wet masks, u = 0, ζ = 0 but the bump in cell 2, h = d (+ bump), iterate = 0.</summary>
    private void Initialise(ReadOnlySpan<float> depth)
    {
        depth.CopyTo(_depth);
        _depth[0] = WallDepth;
        _depth[Cells - 1] = WallDepth;
        for (int i = 0; i < Cells; i++) _wet[i] = _depth[i] > WetThreshold;
        for (int i = 0; i < Cells; i++) _faceWet[i] = _wet[i] && _wet[Math.Min(Cells - 1, i + 1)];
        Array.Clear(_u);
        Array.Clear(_zeta);
        Array.Clear(_iterate);
        _depth.CopyTo(_h, 0);
        // As the original: the bump is placed even if cell 2 happens to be dry (the first step then zeroes it).
        _zeta[1] = InitialBump;
        _h[1] = _depth[1] + InitialBump;
    }

    /// <summary>
    /// One time step, in the order of the original's time loop; h is lagged (the value at the start of the step) throughout. Cells 1 and
    /// 100 (indices 0 and 99) are always dry, so the loops run over the interior 1..98 where the clamped neighbours
    /// i⁺ = i + 1 and i⁻ = i − 1 need no clamping; faces 0 and 99 are always dry, so their u, u* and transports stay 0.
    /// </summary>
    private void Step()
    {
        const float dt = TimeStep, g = Gravity, dx = CellWidth, w = Implicitness;
        var h = _h;
        var zeta = _zeta;
        var u = _u;
        var uStar = _uStar;
        var transport = _transport;
        var transportStar = _transportStar;

        // 1–2. Interim velocity (explicit drag and the old-level share of the slope) and transports on wet faces.
        for (int i = 1; i < Cells - 1; i++)
        {
            if (!_faceWet[i])
            {
                uStar[i] = 0f;
                transport[i] = 0f;
                transportStar[i] = 0f;
                continue;
            }
            float hBar = 0.5f * (h[i] + h[i + 1]);
            float ui = u[i];
            float star = ui - dt * DragCoefficient * ui * MathF.Abs(ui) / hBar - (1f - w) * dt * g * (zeta[i + 1] - zeta[i]) / dx;
            uStar[i] = star;
            transport[i] = hBar * ui;
            transportStar[i] = hBar * star;
        }

        // 3–4. Explicit divergence and the implicit coupling coefficients (both ≈ 0.022 for a 10 m basin). The
        // Jacobi numerator's fixed part ζ + div and the diagonal 1 + cE + cW are formed once here, in the same
        // float32 order as the sweep would form them, so hoisting them changes no bit. Dry cells get a zero
        // right-hand side, zero couplings and a unit diagonal, so the sweep yields exactly 0 there without a branch.
        const float coupling = dt * dt * w * w * g / (dx * dx);
        for (int i = 1; i < Cells - 1; i++)
        {
            if (!_wet[i])
            {
                _rhs[i] = 0f;
                _east[i] = 0f;
                _west[i] = 0f;
                _diagonal[i] = 1f;
                continue;
            }
            float divergence = -dt * (1f - w) * (transport[i] - transport[i - 1]) / dx - dt * w * (transportStar[i] - transportStar[i - 1]) / dx;
            float east = _wet[i + 1] ? coupling * 0.5f * (h[i] + h[i + 1]) : 0f;
            float west = _wet[i - 1] ? coupling * 0.5f * (h[i] + h[i - 1]) : 0f;
            _rhs[i] = zeta[i] + divergence;
            _east[i] = east;
            _west[i] = west;
            _diagonal[i] = 1f + east + west;
        }

        // 5. New elevation into _next.
        if (ElevationSolve == ElevationSolve.Jacobi) SolveJacobi();
        else SolveThomas();

        // 6–7. New velocity from the new slope, then swap ζ and update h on wet cells (dry cells keep h = d).
        var next = _next;
        for (int i = 1; i < Cells - 1; i++)
            u[i] = _faceWet[i] ? uStar[i] - w * dt * g * (next[i + 1] - next[i]) / dx : 0f;
        for (int i = 0; i < Cells; i++)
        {
            zeta[i] = next[i];
            if (_wet[i]) h[i] = _depth[i] + zeta[i];
        }
    }

    /// <summary>
    /// The implicit elevation solve as the original does it: every cell from the previous iterate (Jacobi, not Gauss–Seidel), the
    /// first change measured against the old level ζ (0 on dry cells), the iterate carried over from the previous
    /// step. A sweep is vectorised over the interior cells; it does the same float32 operations in the same order
    /// per cell as a scalar loop (no fused multiply-add), so the result does not depend on the vector width.
    /// </summary>
    private void SolveJacobi()
    {
        for (int i = 0; i < Cells; i++) _previous[i] = _wet[i] ? _zeta[i] : 0f;
        _next[0] = 0f;
        _next[Cells - 1] = 0f;
        int width = Vector<float>.Count;
        var tolerance = new Vector<float>(JacobiTolerance);
        int sweeps = 0;
        bool more;
        do
        {
            more = false;
            bool nan = false;
            // Blocks starting at 1, 1 + width, …; the last block is shifted back to end at cell 98. Cells computed
            // twice get the same value, since a Jacobi sweep reads only the previous iterate.
            for (int start = 1; ; start += width)
            {
                if (start + width > Cells - 1) start = Cells - 1 - width;
                var value = (new Vector<float>(_rhs, start) + new Vector<float>(_east, start) * new Vector<float>(_iterate, start + 1)
                             + new Vector<float>(_west, start) * new Vector<float>(_iterate, start - 1)) / new Vector<float>(_diagonal, start);
                value.CopyTo(_next, start);
                var change = Vector.Abs(value - new Vector<float>(_previous, start));
                more |= Vector.GreaterThanAny(change, tolerance);
                nan |= !Vector.EqualsAll(change, change);
                if (start == Cells - 1 - width) break;
            }
            _next.CopyTo(_previous, 0);
            _next.CopyTo(_iterate, 0);
            sweeps++;
            // A NaN change (a NaN depth) stops the iteration, as δ = NaN fails "δ > tolerance" in the original.
            if (nan) more = false;
        } while (more && sweeps < MaxJacobiSweeps);
        LastSweeps += sweeps;
        if (sweeps > LastMaxSweepsPerStep) LastMaxSweepsPerStep = sweeps;
    }

    /// <summary>
    /// The same system solved exactly: (1 + cE + cW) ζ′ᵢ − cE ζ′ᵢ₊₁ − cW ζ′ᵢ₋₁ = ζᵢ + divᵢ on wet cells, ζ′ᵢ = 0 on
    /// dry ones. Couplings to a dry neighbour are already 0, so dry cells are plain identity rows.
    /// </summary>
    private void SolveThomas()
    {
        // Forward elimination with sub-diagonal a = −cW, diagonal b, super-diagonal c = −cE.
        double previousC = 0, previousD = 0;
        for (int i = 0; i < Cells; i++)
        {
            double a = _wet[i] ? -_west[i] : 0, c = _wet[i] ? -_east[i] : 0;
            double b = _wet[i] ? 1.0 + _east[i] + _west[i] : 1.0;
            double d = _wet[i] ? _rhs[i] : 0.0;
            double denominator = b - a * previousC;
            previousC = c / denominator;
            previousD = (d - a * previousD) / denominator;
            _thomasC[i] = previousC;
            _thomasD[i] = previousD;
        }
        double next = _thomasD[Cells - 1];
        _next[Cells - 1] = (float)next;
        for (int i = Cells - 2; i >= 0; i--)
        {
            next = _thomasD[i] - _thomasC[i] * next;
            _next[i] = (float)next;
        }
        for (int i = 0; i < Cells; i++) if (!_wet[i]) _next[i] = 0f;
        _next.CopyTo(_iterate, 0);
    }

    private void Record(int row, bool round, Span<float> zeta, Span<float> velocity)
    {
        var zetaRow = zeta.Slice(row * Cells, Cells);
        for (int i = 0; i < Cells; i++) zetaRow[i] = round ? Round(_zeta[i]) : _zeta[i];
        if (velocity.IsEmpty) return;
        var uRow = velocity.Slice(row * Cells, Cells);
        for (int i = 0; i < Cells; i++) uRow[i] = round ? Round(_u[i]) : _u[i];
    }

    /// <summary>
    /// The nearest multiple of 1e-4, as Fortran's F12.4 edit descriptor writes the exact float value (ties cannot
    /// occur in practice: a float32 value is never exactly halfway between two 4-decimal numbers but ±…5e-5).
    /// Returned as float32; <see cref="RoundedToDouble"/> recovers the exact 4-decimal value in float64.
    /// </summary>
    public static float Round(float value) => (float)RoundToResolution(value);

    /// <summary>
    /// The 4-decimal value a rounded float32 output stands for, as the nearest double (the original's Python side
    /// parses the text into float64, so its spectrum sees 0.1234, not float32(0.1234) = 0.12340000271…).
    /// </summary>
    public static double RoundedToDouble(float rounded) => RoundToResolution(rounded);

    private static double RoundToResolution(double value) => Math.Round(value * 1e4, MidpointRounding.AwayFromZero) / 1e4;
}
