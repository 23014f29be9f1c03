namespace Gatsbi.Inference.Abc;

/// <summary>Settings of SMC-ABC. The defaults are those of the sbibm paper's SMC-ABC rows.</summary>
public sealed record SmcAbcOptions
{
    /// <summary>
    /// Particles per population; null applies sbibm's rule: 100 for budgets up to 10 000 simulations, 1 000
    /// above.
    /// </summary>
    public int? PopulationSize { get; init; }

    /// <summary>The prior round simulates this many times the population size, clipped to [P, max(budget/2, P)].</summary>
    public int InitialRoundFactor { get; init; } = 5;

    /// <summary>
    /// q of the tolerance rule: the next ε is the smallest unique previous distance whose cumulative share of
    /// the summed unique distances reaches q (a distance-mass quantile, not a count quantile).
    /// </summary>
    public double EpsilonDecay { get; init; } = 0.2;

    /// <summary>
    /// The perturbation kernel's covariance is this times the weighted covariance of the previous population
    /// (0.5 in the paper, not the textbook 2).
    /// </summary>
    public double KernelVarianceScale { get; init; } = 0.5;

    /// <summary>
    /// When the budget runs out before the last population is full, fill it with the closest particles of the
    /// previous population (true, the paper setting); otherwise discard it and return the previous population.
    /// </summary>
    public bool UseLastPopulationSamples { get; init; } = true;

    /// <summary>Fit the final KDE with the particles' importance weights (the paper setting); its bandwidth search is unweighted either way.</summary>
    public bool KdeWeighted { get; init; } = true;

    /// <summary>How x is compared with the observation; L2 (Euclidean, on raw unscaled x) as in sbibm.</summary>
    public AbcDistance Distance { get; init; } = AbcDistance.L2;
}
