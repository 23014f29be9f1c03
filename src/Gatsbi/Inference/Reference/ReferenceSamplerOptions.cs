using Gatsbi.Inference.Mcmc;
using Gatsbi.Inference.Npe;

namespace Gatsbi.Inference.Reference;

/// <summary>
/// Settings of <see cref="ReferenceSampler"/>. The pipeline and most constants (a flow proposal with 0.1 of prior,
/// a bound padded by a factor of 1.2, 10,000 samples) are sbibm's (sbibm/tasks/sir/task.py and
/// sbibm/algorithms/pytorch/baseline_rejection.py of github.com/sbi-benchmark/sbibm); the MCMC runs several
/// shorter chains instead of sbibm's single one, and the search for the bound stops after fewer fruitless batches
/// (see <see cref="SearchPatience"/>), because the bound is checked again on every proposal that follows.
/// </summary>
public sealed record ReferenceSamplerOptions
{
    /// <summary>Posterior samples to return. Default 10,000, as sbibm's reference files hold.</summary>
    public int Samples { get; init; } = 10_000;

    /// <summary>The slice sampler of the first stage. Default: 8 chains, 2,000 warm-up sweeps each, every 5th sweep kept.</summary>
    public SliceSamplerOptions Mcmc { get; init; } = new() { Chains = 8, WarmupSweeps = 2_000, Thin = 5 };

    /// <summary>
    /// Prior draws from which every chain but the first picks its start, in proportion to the likelihood
    /// (sampling-importance-resampling, as sbibm made slcp's references); the first chain starts at the given point,
    /// the true parameters. Chains started apart find the modes one chain cannot cross between (two_moons' two
    /// crescents, slcp's four sign modes), so the flow covers them all and rejection sampling stays efficient.
    /// 0 starts every chain at the given point. Default 100,000.
    /// </summary>
    public int StartDraws { get; init; } = 100_000;

    /// <summary>
    /// Chains whose mean log-density over their kept draws is more than this many nats below the best chain's are
    /// stuck where the posterior has negligible mass (e⁻²⁰ of the density), and are left out of the flow's training
    /// draws. Default 20.
    /// </summary>
    public double StuckChainGap { get; init; } = 20;

    /// <summary>MCMC draws the flow is fitted to. Default 10,000, as sbibm kept.</summary>
    public int McmcSamples { get; init; } = 10_000;

    /// <summary>
    /// How the flow is fitted to the MCMC draws: sbibm's neural spline flow, trained by maximum likelihood with
    /// early stopping on 10 % held-out draws, in mini-batches of 256 at a learning rate of 10⁻³ (a density fit to
    /// 10,000 draws, not NPE's 10,000-pair batches) for at most 500 epochs.
    /// </summary>
    public NpeOptions Flow { get; init; } = NpeOptions.Sbibm() with { TrainingBatchSize = 256, LearningRate = 1e-3, MaxEpochs = 500 };

    /// <summary>Weight of the prior in the defensive mixture proposal, in (0, 1). Default 0.1, as sbibm.</summary>
    public double PriorWeight { get; init; } = 0.1;

    /// <summary>
    /// Weight in the proposal of a multivariate Student-t (3 degrees of freedom) at the MCMC draws' mean and
    /// covariance, in [0, 1 − <see cref="PriorWeight"/>); the flow gets the rest. Default 0.1; sbibm has no such
    /// component (0). Its heavy tails cover what a flow fitted to a few thousand draws underestimates, which keeps
    /// the rejection bound, and so the cost, of a narrow posterior small: on lotka_volterra it lifts acceptance
    /// from under 1 % to tens of percent (docs/references.md).
    /// </summary>
    public double StudentTWeight { get; init; } = 0.1;

    /// <summary>The factor on the largest density ratio found, at least 1. Default 1.2, as sbibm.</summary>
    public double BoundFactor { get; init; } = 1.2;

    /// <summary>Proposals per batch, in the search for the bound and in rejection sampling. Default 10,000, as sbibm.</summary>
    public int BatchSize { get; init; } = 10_000;

    /// <summary>
    /// The search for the bound ends after this many consecutive batches without a new largest ratio. Default 10
    /// (sbibm waited for 1,000, 10⁷ likelihood evaluations, which an ODE model cannot afford); a ratio above the
    /// bound met later restarts rejection sampling with the larger bound, so a short search costs efficiency at
    /// worst, never exactness.
    /// </summary>
    public int SearchPatience { get; init; } = 10;

    /// <summary>Restarts of rejection sampling after a ratio above the bound, before the run gives up. Default 10.</summary>
    public int MaxRestarts { get; init; } = 10;

    /// <summary>Threads that evaluate the likelihood of a batch in parallel; null uses every core.</summary>
    public int? MaxThreads { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting and its value.</summary>
    public void Validate()
    {
        if (Samples < 1) throw new ArgumentException($"Samples must be positive; got {Samples}.");
        if (McmcSamples < 2) throw new ArgumentException($"McmcSamples must be at least 2; got {McmcSamples}.");
        if (StartDraws < 0) throw new ArgumentException($"StartDraws must not be negative; got {StartDraws}.");
        if (!(StuckChainGap > 0)) throw new ArgumentException($"StuckChainGap must be positive; got {StuckChainGap}.");
        if (PriorWeight is not (> 0 and < 1)) throw new ArgumentException($"PriorWeight must be in (0, 1); got {PriorWeight}.");
        if (!(StudentTWeight >= 0 && StudentTWeight < 1 - PriorWeight))
            throw new ArgumentException($"StudentTWeight must be in [0, 1 − PriorWeight) = [0, {1 - PriorWeight}); got {StudentTWeight}.");
        if (!(BoundFactor >= 1) || double.IsInfinity(BoundFactor)) throw new ArgumentException($"BoundFactor must be a finite number of at least 1; got {BoundFactor}.");
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be positive; got {BatchSize}.");
        if (SearchPatience < 1) throw new ArgumentException($"SearchPatience must be positive; got {SearchPatience}.");
        if (MaxRestarts < 0) throw new ArgumentException($"MaxRestarts must not be negative; got {MaxRestarts}.");
        if (MaxThreads is < 1) throw new ArgumentException($"MaxThreads must be positive; got {MaxThreads}.");
        Mcmc.Validate();
        Flow.Validate();
    }
}
