namespace Gatsbi.Numerics;

/// <summary>How an ODE solve ended.</summary>
public enum OdeStatus
{
    /// <summary>Every requested output time was reached; all outputs are finite.</summary>
    Success,

    /// <summary>The initial state or its derivative is not finite, or the solution overflowed and no smaller step helped.</summary>
    NonFiniteState,

    /// <summary>The step size fell below what the floating-point resolution of t allows (typically a singularity).</summary>
    StepSizeTooSmall,

    /// <summary><see cref="OdeSolverOptions.MaxSteps"/> step attempts were not enough.</summary>
    TooManySteps,
}

/// <summary>The outcome of one solve, with its cost.</summary>
/// <param name="Status">Whether the solve reached the last output time, and if not, why.</param>
/// <param name="AcceptedSteps">Steps whose error estimate met the tolerance.</param>
/// <param name="RejectedSteps">Steps retried with a smaller step size.</param>
/// <param name="Evaluations">Calls of the right-hand side.</param>
public readonly record struct OdeSolveResult(OdeStatus Status, int AcceptedSteps, int RejectedSteps, int Evaluations)
{
    /// <summary>True when <see cref="Status"/> is <see cref="OdeStatus.Success"/>: every output is finite.</summary>
    public bool Succeeded => Status == OdeStatus.Success;
}
