namespace Gatsbi.Numerics;

/// <summary>
/// The right-hand side of an ordinary differential equation y′ = f(t, y). The solver calls it several
/// times per step, so it writes into a caller-owned span instead of returning a new array. Implement it
/// on a struct holding the parameters: <see cref="DormandPrince54.Solve{TSystem}"/> is generic over the
/// system type, so a struct's method is called directly (and can be inlined) rather than through an
/// interface or delegate.
/// </summary>
public interface IOdeSystem
{
    /// <summary>Writes f(<paramref name="t"/>, <paramref name="y"/>) into <paramref name="dydt"/> (same length as y).</summary>
    void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt);
}
