namespace Gatsbi.Inference.Gatsbi.Sequential;

/// <summary>
/// Everything that decides a sequential GATSBI run (Ramesh et al. 2022, Sec. 2.3; docs/sequential.md; the
/// original code is gatsbi/optimize/sequential.py of github.com/mackelab/gatsbi). Round 0 is amortised GATSBI with
/// <see cref="Gatsbi"/> on prior simulations; every later round draws parameters from the current posterior at
/// the observation, simulates them, and trains the same networks further on all rounds' pairs, correcting
/// the proposal rounds' batches by <see cref="Correction"/>.
/// </summary>
public sealed record SequentialOptions
{
    /// <summary>Networks, loss, optimiser and round 0's epochs (<see cref="GatsbiOptions.MaxEpochs"/>).</summary>
    public required GatsbiOptions Gatsbi { get; init; }

    /// <summary>Rounds including round 0; 2 in the published configuration.</summary>
    public int Rounds { get; init; } = 2;

    /// <summary>Share of the simulation budget spent on round 0; the later rounds share the rest equally ([2500, 7500] of 10,000 as published).</summary>
    public double FirstRoundFraction { get; init; } = 0.25;

    /// <summary>Epochs of each round after the first, starting from the previous round's networks.</summary>
    public int LaterRoundEpochs { get; init; } = 3_000;

    /// <summary>
    /// Batches of every round get the size the batch rule gives for the whole budget. Off, each round's bank
    /// uses its own share (the original GATSBI code: min(1,000, ⌊0.1 · budget_r⌋)), which makes round 0's
    /// batches small when the budget is small.
    /// </summary>
    public bool BatchSizeFromTotal { get; init; } = true;

    /// <summary>The batch size of round <paramref name="round"/>'s pairs.</summary>
    /// <param name="budgets">Simulations of every round, as <see cref="Budgets"/> gives them.</param>
    /// <param name="round">The round, 0-based.</param>
    public int BatchSize(IReadOnlyList<int> budgets, int round) => Gatsbi.BatchSize(BatchSizeFromTotal ? budgets.Sum() : budgets[round]);

    /// <summary>
    /// Share of every later round's parameters drawn from the prior instead of the posterior at x_o: a defensive
    /// mixture proposal π̃ = α π + (1 − α) q. It keeps π̃/π ≥ α, so no region of the prior loses its simulations
    /// (or, under inverse importance weights, the fake term's weight) when the previous round's posterior is
    /// too narrow. The classifiers estimate the mixture's ratios like any other proposal's. 0 is the published proposal.
    /// </summary>
    public double PriorMixture { get; init; }

    /// <summary>
    /// The later rounds start their learning-rate schedule at this multiple of round 0's rates: the networks are
    /// already trained, and a full restart of the schedule first undoes part of that.
    /// </summary>
    public double LaterRoundLearningRateScale { get; init; } = 1;

    /// <summary>
    /// How batches of proposal rounds are corrected so that the generator still targets the true posterior;
    /// <see cref="SequentialCorrection.InverseImportanceWeights"/> by default, the published "GATSBI-inv".
    /// </summary>
    public SequentialCorrection Correction { get; init; } = SequentialCorrection.InverseImportanceWeights;

    /// <summary>The θ and x density-ratio classifiers rebuilt for every proposal round.</summary>
    public DensityRatioOptions Classifier { get; init; } = new();

    /// <summary>The rejection sampler of the energy-based correction.</summary>
    public TiltedLatentOptions Tilt { get; init; } = new();

    /// <summary>
    /// The CPU default: round 0 is the <see cref="GatsbiOptions.Fast"/> preset with one generator (an
    /// ensemble would multiply the per-observation rounds' cost), then <see cref="LaterRoundEpochs"/> epochs
    /// per later round.
    /// </summary>
    public static SequentialOptions Fast(SequentialCorrection correction = SequentialCorrection.InverseImportanceWeights) => new()
    {
        Gatsbi = GatsbiOptions.Fast() with { EnsembleSize = 1 },
        Correction = correction,
    };

    /// <summary>
    /// The simulations of each round for a total budget: ⌊fraction · total⌋ for round 0, the rest split equally
    /// over the later rounds (the last ones take the remainder), so the rounds add up to the total exactly.
    /// </summary>
    /// <exception cref="ArgumentException"><see cref="Rounds"/> is below 1.</exception>
    public int[] Budgets(int total)
    {
        if (Rounds < 1) throw new ArgumentException($"Sequential GATSBI needs at least 1 round; got {Rounds}.");
        var budgets = new int[Rounds];
        budgets[0] = Rounds == 1 ? total : (int)Math.Floor(FirstRoundFraction * total);
        int rest = total - budgets[0], later = Rounds - 1;
        for (int r = 1; r < Rounds; r++) budgets[r] = rest / later + (r > Rounds - 1 - rest % later ? 1 : 0);
        return budgets;
    }

    /// <summary>Round 0's hold-out: the base option, but at most a tenth of round 0, whose pairs are few when the budget is small.</summary>
    public int FirstRoundHoldOut(int firstRoundSimulations) => Math.Max(2, Math.Min(Gatsbi.HoldOut, firstRoundSimulations / 10));

    /// <summary>
    /// Checks every option, those of <see cref="Gatsbi"/>, <see cref="Classifier"/> and <see cref="Tilt"/>
    /// included, and that the loss is one with a weighted form and the energy score and best-checkpoint
    /// options are off (both treat the real pairs as draws of the target, which proposal rounds' pairs are not).
    /// </summary>
    /// <param name="totalSimulations">When given, also checks that this budget leaves round 0 more than its hold-out + 1 simulations and every later round at least 2.</param>
    /// <exception cref="ArgumentException">An option is out of range or the budget is too small; the message names the problem.</exception>
    public void Validate(int? totalSimulations = null)
    {
        Gatsbi.Validate();
        Classifier.Validate();
        Tilt.Validate();
        Require(Rounds >= 2, nameof(Rounds), "at least 2 (round 0 alone is amortised GATSBI)", Rounds);
        Require(FirstRoundFraction is > 0 and < 1, nameof(FirstRoundFraction), "in (0, 1)", FirstRoundFraction);
        Require(PriorMixture is >= 0 and < 1, nameof(PriorMixture), "in [0, 1)", PriorMixture);
        Require(LaterRoundLearningRateScale > 0 && double.IsFinite(LaterRoundLearningRateScale), nameof(LaterRoundLearningRateScale), "positive", LaterRoundLearningRateScale);
        Require(LaterRoundEpochs >= 1, nameof(LaterRoundEpochs), "at least 1", LaterRoundEpochs);
        Require(Gatsbi.Loss is GatsbiLossKind.CrossEntropy or GatsbiLossKind.NonSaturating, "Gatsbi.Loss",
            "CrossEntropy or NonSaturating (the corrections weight the cross-entropy terms)", Gatsbi.Loss);
        // Both read the real pairs of a batch as draws of the target; proposal rounds' pairs are not.
        Require(Gatsbi.EnergyScoreWeight == 0, "Gatsbi.EnergyScoreWeight", "0 (the energy score would fit the proposal posterior)", Gatsbi.EnergyScoreWeight);
        Require(!Gatsbi.KeepBestCheckpoint, "Gatsbi.KeepBestCheckpoint", "false (its hold-out score is taken on prior pairs only)", true);
        if (totalSimulations is int total)
        {
            var budgets = Budgets(total);
            int holdOut = FirstRoundHoldOut(budgets[0]);
            if (budgets[0] <= holdOut + 1 || budgets.Skip(1).Any(b => b < 2))
                throw new ArgumentException($"{total} simulations are too few for {Rounds} rounds: the rounds would get [{string.Join(", ", budgets)}]; round 0 needs more than {holdOut + 1} and every later round at least 2.");
        }
    }

    private static void Require(bool ok, string name, string expected, object got)
    {
        if (!ok) throw new ArgumentException($"Sequential GATSBI option {name} must be {expected}; got {got}.");
    }
}
