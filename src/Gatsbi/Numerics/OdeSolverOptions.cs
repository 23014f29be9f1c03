namespace Gatsbi.Numerics;

/// <summary>
/// Accuracy and step-size control of <see cref="DormandPrince54"/>. The defaults are those of the sbibm ODE
/// tasks (Julia's DifferentialEquations.jl as called by diffeqtorch): rtol = atol = 1e−8 and at most
/// 100,000 steps.
/// </summary>
public sealed record OdeSolverOptions
{
    /// <summary>Relative tolerance of the local error, per component.</summary>
    public double RelativeTolerance { get; init; } = 1e-8;

    /// <summary>Absolute tolerance of the local error, per component; it takes over where |y| is near 0.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-8;

    /// <summary>Most step attempts (accepted and rejected) before the solve is abandoned.</summary>
    public int MaxSteps { get; init; } = 100_000;

    /// <summary>The new step is this fraction of the one the error estimate predicts, so that it is accepted more often.</summary>
    public double Safety { get; init; } = 0.9;

    /// <summary>Smallest ratio of new to old step size.</summary>
    public double MinFactor { get; init; } = 0.2;

    /// <summary>Largest ratio of new to old step size.</summary>
    public double MaxFactor { get; init; } = 10;

    /// <summary>
    /// Weight of the previous step's error in the step-size controller (PI control, Hairer and Wanner's β);
    /// 0 gives the plain controller. A small β damps the step-size oscillation that the plain controller shows
    /// when stability rather than accuracy limits the step.
    /// </summary>
    public double Beta { get; init; } = 0.04;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (!(RelativeTolerance >= 0) || !double.IsFinite(RelativeTolerance))
            throw new ArgumentException($"RelativeTolerance must be finite and non-negative; got {RelativeTolerance}.");
        if (!(AbsoluteTolerance >= 0) || !double.IsFinite(AbsoluteTolerance))
            throw new ArgumentException($"AbsoluteTolerance must be finite and non-negative; got {AbsoluteTolerance}.");
        if (!(RelativeTolerance > 0 || AbsoluteTolerance > 0))
            throw new ArgumentException("At least one of RelativeTolerance and AbsoluteTolerance must be positive.");
        if (MaxSteps < 1) throw new ArgumentException($"MaxSteps must be positive; got {MaxSteps}.");
        if (!(Safety > 0 && Safety <= 1)) throw new ArgumentException($"Safety must lie in (0, 1]; got {Safety}.");
        if (!(MinFactor > 0 && MinFactor < 1)) throw new ArgumentException($"MinFactor must lie in (0, 1); got {MinFactor}.");
        if (!(MaxFactor > 1) || !double.IsFinite(MaxFactor)) throw new ArgumentException($"MaxFactor must be finite and above 1; got {MaxFactor}.");
        if (!(Beta >= 0 && Beta < 0.2)) throw new ArgumentException($"Beta must lie in [0, 0.2); got {Beta}.");
    }
}
