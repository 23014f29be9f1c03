namespace Gatsbi.Inference.Abc;

/// <summary>The outcome of an ABC run for one observation.</summary>
/// <param name="Posterior">The posterior to sample (a KDE on <paramref name="Particles"/> unless it was turned off).</param>
/// <param name="Particles">The accepted θ, one per row, ordered by increasing distance.</param>
/// <param name="Weights">The particles' normalised weights (equal for rejection ABC); they sum to 1.</param>
/// <param name="Distances">Each particle's distance between its simulated x and the observation.</param>
/// <param name="SimulationsUsed">Simulations the result rests on: the whole budget, or the whole bank of pre-simulated pairs.</param>
/// <param name="Populations">Populations built, the prior round included (1 for rejection ABC).</param>
/// <param name="Epsilons">
/// The tolerance of each population: for the prior round (and rejection ABC) the largest accepted distance,
/// for later SMC populations the threshold the particles were accepted under.
/// </param>
/// <param name="CarriedOver">
/// Particles of the final SMC population copied from the one before, because the budget ran out before it was
/// full (0 for rejection ABC).
/// </param>
/// <param name="Elapsed">Wall-clock time of the run, KDE fit included.</param>
public sealed record AbcResult(
    AbcPosterior Posterior,
    float[,] Particles,
    double[] Weights,
    double[] Distances,
    int SimulationsUsed,
    int Populations,
    IReadOnlyList<double> Epsilons,
    int CarriedOver,
    TimeSpan Elapsed);
