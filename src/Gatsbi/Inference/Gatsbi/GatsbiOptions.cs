using Gatsbi.Nn;
using Gatsbi.Nn.Convolutional;

namespace Gatsbi.Inference.Gatsbi;

/// <summary>How the learning rates evolve over the epochs.</summary>
public enum LearningRateSchedule
{
    /// <summary>Fixed learning rates (the published setting).</summary>
    Constant,

    /// <summary>Cosine decay from the initial rates to <see cref="GatsbiOptions.FinalLearningRateFraction"/> of them at the last epoch.</summary>
    Cosine,
}

/// <summary>
/// Everything that decides a GATSBI training run. Use <see cref="Paper"/> to reproduce the published
/// configuration or <see cref="Fast"/>, the tuned default for CPUs, and adjust with <c>with { ... }</c>.
/// An "epoch" is GATSBI's outer iteration: <see cref="DiscriminatorSteps"/> discriminator updates on a
/// fresh shuffle of the training set, then <see cref="GeneratorSteps"/> generator updates on another.
/// </summary>
public sealed record GatsbiOptions
{
    /// <summary>The MLP generator; not used when <see cref="Convolutional"/> is set.</summary>
    public required GeneratorSpec Generator { get; init; }

    /// <summary>The MLP discriminator; not used when <see cref="Convolutional"/> is set.</summary>
    public required DiscriminatorSpec Discriminator { get; init; }

    /// <summary>
    /// Convolutional networks for data whose rows are images (the shallow water and camera models); null for the
    /// MLPs of <see cref="Generator"/> and <see cref="Discriminator"/>. The convolutional networks have no input
    /// standardisation and no support transform, so <see cref="StandardizeInputs"/> and
    /// <see cref="TransformToUnbounded"/> do not apply to them.
    /// </summary>
    public ConvolutionalNetworks? Convolutional { get; init; }

    /// <summary>
    /// The adversarial objective. <see cref="GatsbiLossKind.CrossEntropy"/> (the published saturating loss) by
    /// default and in <see cref="Paper"/>; <see cref="Fast"/> uses <see cref="GatsbiLossKind.NonSaturating"/>.
    /// Sequential proposal rounds need one of these two, the only ones with a weighted form.
    /// </summary>
    public GatsbiLossKind Loss { get; init; } = GatsbiLossKind.CrossEntropy;

    /// <summary>dis_iter: discriminator steps per epoch (fewer if the training set has fewer batches).</summary>
    public int DiscriminatorSteps { get; init; } = 10;

    /// <summary>gen_iter: generator steps per epoch.</summary>
    public int GeneratorSteps { get; init; } = 1;

    /// <summary>
    /// Unrolled discriminator optimisation (first order, as the GATSBI code): after the committed discriminator
    /// steps, this many extra steps on another shuffle give the discriminator the generator steps are taken
    /// against; the next epoch starts from the committed state again (weights and spectral-norm vectors; the
    /// optimiser's moments keep the discarded steps, as in the original). 0 turns it off; the shallow water
    /// model used 10.
    /// </summary>
    public int UnrolledSteps { get; init; }

    /// <summary>
    /// Adam learning rate of the generator (the initial rate under a cosine <see cref="Schedule"/>); must be
    /// positive. 10⁻⁴ by default and in <see cref="Paper"/> (the published value); 10⁻³ in <see cref="Fast"/>.
    /// </summary>
    public double GeneratorLearningRate { get; init; } = 1e-4;

    /// <summary>
    /// Adam learning rate of the discriminator (the initial rate under a cosine <see cref="Schedule"/>); must be
    /// positive. 10⁻⁴ by default and in <see cref="Paper"/>; 10⁻³ in <see cref="Fast"/>.
    /// </summary>
    public double DiscriminatorLearningRate { get; init; } = 1e-4;

    /// <summary>
    /// Adam's (β₁, β₂) for the generator. (0.9, 0.99) by default and in <see cref="Paper"/> (the published
    /// values); <see cref="Fast"/> lowers β₁ to 0.5, the usual choice for GANs.
    /// </summary>
    public (double Beta1, double Beta2) GeneratorBetas { get; init; } = (0.9, 0.99);

    /// <summary>Adam's (β₁, β₂) for the discriminator; (0.9, 0.99) by default and in <see cref="Paper"/>, (0.5, 0.99) in <see cref="Fast"/>.</summary>
    public (double Beta1, double Beta2) DiscriminatorBetas { get; init; } = (0.9, 0.99);

    /// <summary>
    /// How both learning rates change over the epochs: <see cref="LearningRateSchedule.Constant"/> by default
    /// and in <see cref="Paper"/>, <see cref="LearningRateSchedule.Cosine"/> in <see cref="Fast"/>. The
    /// cosine runs over <see cref="MaxEpochs"/>, so it has not reached its floor when training stops earlier.
    /// </summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>
    /// The fraction of the initial learning rates that the cosine schedule reaches at epoch
    /// <see cref="MaxEpochs"/>; in (0, 1]. 0.1 by default, 0.05 in <see cref="Fast"/>; ignored by the constant schedule.
    /// </summary>
    public double FinalLearningRateFraction { get; init; } = 0.1;

    /// <summary>Global gradient-norm clipping; +∞ disables it (the benchmark setting).</summary>
    public double GeneratorMaxGradNorm { get; init; } = double.PositiveInfinity;

    /// <summary>
    /// Global L2 gradient-norm clipping of the discriminator's update; +∞ disables it (the benchmark setting).
    /// The published shallow water and camera model runs clipped both networks at 0.01.
    /// </summary>
    public double DiscriminatorMaxGradNorm { get; init; } = double.PositiveInfinity;

    /// <summary>Batch size = min(<see cref="MaxBatchSize"/>, ⌊fraction · simulations⌋): the published rule.</summary>
    public double BatchSizeFraction { get; init; } = 0.1;

    /// <summary>The upper bound of the batch size (see <see cref="BatchSize"/>): 1 000 by default and in <see cref="Paper"/>, 256 in <see cref="Fast"/>.</summary>
    public int MaxBatchSize { get; init; } = 1000;

    /// <summary>The last simulations, in generation order, kept out of training for the logged metrics.</summary>
    public int HoldOut { get; init; } = 100;

    /// <summary>Hold-out metrics and stopping rules are evaluated every this many epochs.</summary>
    public int LogEvery { get; init; } = 100;

    /// <summary>
    /// Epochs to train unless a stopping rule, <see cref="MaxTrainingTime"/> or cancellation ends training
    /// first. 20 000 by default and in <see cref="Paper"/> (the original run scripts' default); 12 000 in
    /// <see cref="Fast"/>. Hold-out metrics are always logged at the last epoch.
    /// </summary>
    public int MaxEpochs { get; init; } = 20_000;

    /// <summary>
    /// Caps the epochs of an amortised run at this many passes of the generator over the training pairs (an epoch
    /// passes one batch), so that a small budget is not trained far past the point where the networks start to
    /// memorise its few pairs; null (the default, and in both presets) for no cap. 311 is just above the 310.3
    /// passes <see cref="Fast"/>'s 12,000 epochs make over 10,000 simulations (9,900 training pairs in batches of
    /// 256): it changes nothing from 10,000 simulations up and gives 1,000 simulations 2,799 epochs, which helps
    /// gaussian_linear there and hurts two_moons (docs/study.md).
    /// </summary>
    public double? MaxPasses { get; init; }

    /// <summary>
    /// The epochs an amortised run on <paramref name="simulations"/> simulations (the count before the hold-out
    /// split) trains unless stopped early: <see cref="MaxEpochs"/>, or fewer where <see cref="MaxPasses"/> caps them,
    /// ⌈passes · training pairs / <see cref="BatchSize"/>⌉.
    /// </summary>
    public int Epochs(int simulations) => MaxPasses is { } passes
        ? Math.Clamp((int)Math.Ceiling(passes * Math.Max(1, simulations - HoldOut) / BatchSize(simulations)), 1, MaxEpochs)
        : MaxEpochs;

    /// <summary>Wall-clock cap; null for none. Using it makes the epoch count, and so the result, depend on machine speed.</summary>
    public TimeSpan? MaxTrainingTime { get; init; }

    /// <summary>Apply the published early-stopping rules (non-finite weights, collapsed or indistinguishable discriminator, vanishing losses).</summary>
    public bool UseStoppingRules { get; init; } = true;

    /// <summary>stop_thresh: stop once |mean(D(real)) − mean(D(fake))| on the hold-out set stays below it.</summary>
    public double StopThreshold { get; init; } = 0.001;

    /// <summary>
    /// Decay of an exponential moving average of the generator's weights, updated after every generator
    /// step; the trained posterior uses the average. 0 turns it off (the published setting).
    /// </summary>
    public double GeneratorAverageDecay { get; init; }

    /// <summary>
    /// Weight λ of the energy score (a proper scoring rule, see <see cref="EnergyScore"/>) added to the
    /// generator's adversarial loss, on standardised θ from two draws per training pair. 0 turns it off
    /// (the published setting).
    /// </summary>
    public double EnergyScoreWeight { get; init; }

    /// <summary>λ of the gradient penalty of <see cref="GatsbiLossKind.WassersteinGp"/>; unused by the other losses.</summary>
    public double GradientPenaltyWeight { get; init; } = 10;

    /// <summary>
    /// Keep the generator weights with the lowest hold-out energy score seen at the logging epochs instead
    /// of the last ones: early stopping on a signal of posterior quality, without ending the run.
    /// </summary>
    public bool KeepBestCheckpoint { get; init; }

    /// <summary>
    /// Generators trained independently (their own initialisation, shuffles and discriminator) on the same
    /// simulations; the posterior is their equal-weight mixture. Training time grows in proportion.
    /// </summary>
    public int EnsembleSize { get; init; } = 1;

    /// <summary>
    /// Ensemble members trained at the same time; null picks processor count ÷ training threads. Results do
    /// not depend on it: every member has its own random streams.
    /// </summary>
    public int? ParallelMembers { get; init; }

    /// <summary>
    /// Train in an unbounded space: θ is mapped through the inverse of a <see cref="SupportTransform"/> built
    /// from the prior's support (logit for box bounds, log for one-sided ones) and the generator maps back.
    /// Needs a support with at least one finite bound; otherwise it changes nothing.
    /// </summary>
    public bool TransformToUnbounded { get; init; }

    /// <summary>Standardise θ and x with the training set's column means and standard deviations inside both networks.</summary>
    public bool StandardizeInputs { get; init; }

    /// <summary>TorchSharp intra-op threads during training; null picks by network size (see <see cref="ThreadPolicy"/>).</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// The batch size for a run on <paramref name="simulations"/> simulations (the count before the hold-out
    /// split): min(<see cref="MaxBatchSize"/>, ⌊<see cref="BatchSizeFraction"/> · simulations⌋), but at least 1.
    /// </summary>
    public int BatchSize(int simulations) =>
        Math.Max(1, Math.Min(MaxBatchSize, (int)Math.Floor(BatchSizeFraction * simulations)));

    /// <summary>
    /// The published two_moons/SLCP benchmark configuration (gatsbi repo, tasks/*/defaults.yaml): a 5-layer
    /// generator of width 128 with noise after the third layer, a spectrally normalised 2048-wide
    /// discriminator, saturating cross-entropy, 10 D steps per G step, Adam 1e-4 with betas (0.9, 0.99).
    /// The discriminator has 16.8 M weights: this preset is for fidelity, not for CPUs. Of the published
    /// stopping rules, the 72-hour wall-clock cap is left out, because it would make results depend on
    /// machine speed; use <see cref="MaxTrainingTime"/> for a time limit.
    /// </summary>
    public static GatsbiOptions Paper() => new()
    {
        Generator = new GeneratorSpec([128, 128, 128, 128], NoiseAfterLayer: 3, LatentDimension: null, LeakyOutput: true),
        Discriminator = new DiscriminatorSpec([2048, 2048, 2048, 2048, 2048], SpectralNorm: true),
        Loss = GatsbiLossKind.CrossEntropy,
        DiscriminatorSteps = 10,
        GeneratorSteps = 1,
        MaxEpochs = 20_000,
        LogEvery = 100,
    };

    /// <summary>
    /// The tuned default for CPUs (docs/presets.md and docs/study.md have the measurements behind each
    /// choice): a 256-wide, 3-hidden-layer spectrally normalised discriminator (126× fewer weights than
    /// <see cref="Paper"/>) whose standardised inputs are scaled by 10, so that it can resolve posteriors far
    /// narrower than the prior; the non-saturating generator loss; standardised inputs; no LeakyReLU on the
    /// generator output; cosine learning-rate decay; 12,000 epochs without the published stopping rules
    /// (they fire on hold-out noise of a well-matched pair of networks); and an ensemble of two generators,
    /// trained side by side on a machine with two cores or more, whose mixture is the posterior.
    /// </summary>
    public static GatsbiOptions Fast() => new()
    {
        Generator = new GeneratorSpec([128, 128, 128], NoiseAfterLayer: 1, LatentDimension: null, LeakyOutput: false),
        Discriminator = new DiscriminatorSpec([256, 256, 256], SpectralNorm: true, InputGain: 10),
        Loss = GatsbiLossKind.NonSaturating,
        DiscriminatorSteps = 2,
        GeneratorSteps = 1,
        GeneratorLearningRate = 1e-3,
        DiscriminatorLearningRate = 1e-3,
        GeneratorBetas = (0.5, 0.99),
        DiscriminatorBetas = (0.5, 0.99),
        Schedule = LearningRateSchedule.Cosine,
        FinalLearningRateFraction = 0.05,
        MaxBatchSize = 256,
        MaxEpochs = 12_000,
        EnsembleSize = 2,
        LogEvery = 100,
        UseStoppingRules = false,
        StandardizeInputs = true,
    };

    /// <summary>
    /// Checks every option, the network specifications included; <see cref="GatsbiTrainer.Train(global::Gatsbi.Simulation.SimulationSet, global::Gatsbi.Distributions.IPrior, ulong, IProgress{global::Gatsbi.Inference.TrainingProgress}?, CancellationToken)"/> calls it
    /// before training.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names the first one found and its value.</exception>
    public void Validate()
    {
        Generator.Validate();
        Discriminator.Validate();
        Require(DiscriminatorSteps >= 1, nameof(DiscriminatorSteps), "at least 1", DiscriminatorSteps);
        Require(GeneratorSteps >= 1, nameof(GeneratorSteps), "at least 1", GeneratorSteps);
        Require(UnrolledSteps >= 0, nameof(UnrolledSteps), "at least 0", UnrolledSteps);
        Require(GeneratorLearningRate > 0, nameof(GeneratorLearningRate), "positive", GeneratorLearningRate);
        Require(DiscriminatorLearningRate > 0, nameof(DiscriminatorLearningRate), "positive", DiscriminatorLearningRate);
        Require(BatchSizeFraction is > 0 and <= 1, nameof(BatchSizeFraction), "in (0, 1]", BatchSizeFraction);
        Require(MaxBatchSize >= 1, nameof(MaxBatchSize), "at least 1", MaxBatchSize);
        Require(HoldOut >= 2, nameof(HoldOut), "at least 2 (hold-out metrics need a standard deviation)", HoldOut);
        Require(LogEvery >= 1, nameof(LogEvery), "at least 1", LogEvery);
        Require(MaxEpochs >= 1, nameof(MaxEpochs), "at least 1", MaxEpochs);
        Require(MaxPasses is null || MaxPasses > 0, nameof(MaxPasses), "positive or null", MaxPasses?.ToString() ?? "null");
        Require(FinalLearningRateFraction is > 0 and <= 1, nameof(FinalLearningRateFraction), "in (0, 1]", FinalLearningRateFraction);
        Require(Threads is null or >= 1, nameof(Threads), "at least 1", Threads ?? 0);
        Require(MaxTrainingTime is null || MaxTrainingTime > TimeSpan.Zero, nameof(MaxTrainingTime), "positive", MaxTrainingTime ?? TimeSpan.Zero);
        Require(GeneratorAverageDecay is >= 0 and < 1, nameof(GeneratorAverageDecay), "in [0, 1)", GeneratorAverageDecay);
        Require(EnergyScoreWeight >= 0 && double.IsFinite(EnergyScoreWeight), nameof(EnergyScoreWeight), "zero or positive", EnergyScoreWeight);
        Require(GradientPenaltyWeight >= 0 && double.IsFinite(GradientPenaltyWeight), nameof(GradientPenaltyWeight), "zero or positive", GradientPenaltyWeight);
        Require(ParallelMembers is null or >= 1, nameof(ParallelMembers), "at least 1", ParallelMembers ?? 0);
        Require(EnsembleSize >= 1, nameof(EnsembleSize), "at least 1", EnsembleSize);
        Require(StopThreshold >= 0, nameof(StopThreshold), "zero or positive", StopThreshold);
    }

    private static void Require(bool ok, string name, string expected, object got)
    {
        if (!ok) throw new ArgumentException($"GATSBI option {name} must be {expected}; got {got}.");
    }
}
