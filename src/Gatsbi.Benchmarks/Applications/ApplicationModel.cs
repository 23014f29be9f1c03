using Gatsbi.Distributions;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Simulation;

namespace Gatsbi.Benchmarks.Applications;

/// <summary>
/// One of the paper's high-dimensional applications (the shallow water model, the noisy camera model): a prior,
/// a simulator, and the GATSBI configurations that suit it. Unlike the sbibm tasks these have no reference
/// posterior; they are judged on held-out simulations (<see cref="TestCases"/>) and, where the prior has a
/// density to draw from cheaply, by simulation-based calibration.
/// </summary>
public abstract class ApplicationModel
{
    /// <summary>The preset names every application offers.</summary>
    public static readonly string[] PresetNames = ["fast", "paper"];

    /// <summary>The name the command line and model files use: "shallow_water" or "camera".</summary>
    public abstract string Name { get; }

    /// <summary>One line on what is inferred from what, for listings and reports.</summary>
    public abstract string Description { get; }

    /// <summary>The prior over θ that training simulations are drawn from.</summary>
    public abstract IPrior Prior { get; }

    /// <summary>Where held-out test parameters come from: the prior, unless the application has a separate test set.</summary>
    public virtual IPrior TestPrior => Prior;

    /// <summary>The simulator x ~ p(x | θ), in the observation layout the presets' networks expect.</summary>
    public abstract ISimulator Simulator { get; }

    /// <summary>Column names of θ, one per parameter (e.g. <c>depth_1</c>…<c>depth_100</c>), for CSV files.</summary>
    public abstract string[] ParameterNames { get; }

    /// <summary>Column names of x, one per data value, for CSV files.</summary>
    public abstract string[] DataNames { get; }

    /// <summary>
    /// Support that posterior samples are checked against; null when the generator's output cannot leave the
    /// prior's support anyway (a Sigmoid), or the support is unbounded.
    /// </summary>
    public virtual Support? PosteriorSupport => null;

    /// <summary>The simulation budget the fast preset is measured at on a 2-core CPU.</summary>
    public abstract int DefaultSimulations { get; }

    /// <summary>The largest budget the prior can serve (a finite image set drawn without replacement); null when unlimited.</summary>
    public virtual int? MaxSimulations => null;

    /// <summary>
    /// The published configuration (GATSBI paper, Ramesh et al. 2022, Section 4 and its appendix; tasks/shallow_water_model/defaults.yaml
    /// and tasks/camera_model/defaults.yaml of github.com/mackelab/gatsbi).
    /// </summary>
    public abstract GatsbiOptions Paper();

    /// <summary>The configuration tuned for CPUs (docs/applications.md has the reasons).</summary>
    public abstract GatsbiOptions Fast();

    /// <summary>
    /// What both fast presets change in the published optimisation, from the trials in docs/applications.md: the
    /// non-saturating generator loss, Adam 1e-3 with betas (0.5, 0.99) and cosine decay to 5 % (as the Fast preset
    /// of the benchmark tasks), the energy score with weight 0.1 beside the adversarial loss, and no early stopping
    /// (the published rules fire on hold-out noise).
    /// </summary>
    protected static GatsbiOptions WithCpuOptimisation(GatsbiOptions published) => published with
    {
        Loss = GatsbiLossKind.NonSaturating,
        GeneratorLearningRate = 1e-3,
        DiscriminatorLearningRate = 1e-3,
        GeneratorBetas = (0.5, 0.99),
        DiscriminatorBetas = (0.5, 0.99),
        Schedule = LearningRateSchedule.Cosine,
        FinalLearningRateFraction = 0.05,
        EnergyScoreWeight = 0.1,
        UseStoppingRules = false,
    };

    /// <summary>The configuration named <paramref name="preset"/>: "fast" (<see cref="Fast"/>) or "paper" (<see cref="Paper"/>), in any case.</summary>
    /// <exception cref="ArgumentException"><paramref name="preset"/> is not one of <see cref="PresetNames"/>.</exception>
    public GatsbiOptions Options(string preset) => preset.ToLowerInvariant() switch
    {
        "fast" => Fast(),
        "paper" => Paper(),
        _ => throw new ArgumentException($"Unknown preset '{preset}' for {Name}; expected one of: {string.Join(", ", PresetNames)}."),
    };
}
