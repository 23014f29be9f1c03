using Gatsbi.Benchmarks.ShallowWater;
using Gatsbi.Distributions;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Nn.Convolutional;
using Gatsbi.Simulation;
using Gatsbi.Storage;

namespace Gatsbi.Benchmarks.Applications;

/// <summary>
/// The shallow water model (GATSBI paper, Ramesh et al. 2022, Section 4.2 and its appendix; gatsbi/task_utils/shallow_water_model/
/// of github.com/mackelab/gatsbi): the 100-cell depth profile of a basin, centred (θ = d − 10),
/// from the noisy 2-D spectrum of its surface elevation over 100 hours after a bump at one end. The prior is a
/// Gaussian process (<see cref="DepthPrior"/>). With <see cref="Folded"/> the observation is the exact
/// half-size reduction of <see cref="FoldedSpectrumSimulator"/> (2 × 50 × 100); otherwise the published
/// 2 × 100 × 100 spectrum.
/// </summary>
public sealed class ShallowWaterModel : ApplicationModel
{
    /// <summary>The application's name, "shallow_water".</summary>
    public const string TaskName = "shallow_water";

    /// <summary>The model with the folded (2 × 50 × 100) or the published (2 × 100 × 100) observation.</summary>
    /// <param name="folded">True for <see cref="FoldedSpectrumSimulator"/>, false for <see cref="ShallowWaterSimulator"/>; both with noise std 0.25.</param>
    public ShallowWaterModel(bool folded)
    {
        Folded = folded;
        Simulator = folded ? new FoldedSpectrumSimulator() : new ShallowWaterSimulator();
    }

    /// <summary>The model as a preset needs it: fast works on the folded spectrum, paper on the published one.</summary>
    public static ShallowWaterModel For(string preset) => new(folded: !preset.Equals("paper", StringComparison.OrdinalIgnoreCase));

    /// <summary>True when x is the folded 2 × 50 × 100 spectrum (10,000 values), false for the published 2 × 100 × 100 (20,000).</summary>
    public bool Folded { get; }

    /// <inheritdoc/>
    public override string Name => TaskName;

    /// <inheritdoc/>
    public override string Description => Folded
        ? "100 centred depths from the folded (2×50×100) noisy spectrum of the surface elevation"
        : "100 centred depths from the noisy 2×100×100 spectrum of the surface elevation";
    /// <summary>The Gaussian-process prior over the centred depths θ = d − 10 (<see cref="DepthPrior.Create"/>).</summary>
    public override IPrior Prior { get; } = DepthPrior.Create();

    /// <summary>The folded or the full spectrum simulator, as <see cref="Folded"/> says; 100 centred depths in.</summary>
    public override ISimulator Simulator { get; }

    /// <summary><c>depth_1</c>…<c>depth_100</c>: the centred depth θ = d − 10 of each cell, in metres.</summary>
    public override string[] ParameterNames { get; } = CsvMatrix.DefaultNames("depth", DepthPrior.Dimension);

    /// <summary><c>x_1</c>, <c>x_2</c>, …, one per value of the (folded or full) spectrum.</summary>
    public override string[] DataNames => CsvMatrix.DefaultNames("x", Simulator.DataDimension);

    /// <summary>20,000 folded simulations take about 35 s on 2 cores and 800 MB as float32; the paper used 100,000.</summary>
    public override int DefaultSimulations => 20_000;

    private int Rows => Folded ? FoldedSpectrumSimulator.Rows : ShallowWaterSimulator.KeptFrequencies;

    /// <summary>
    /// As published (tasks/shallow_water_model/defaults.yaml and gatsbi/task_utils/shallow_water_model/networks.py of
    /// github.com/mackelab/gatsbi): the DCGAN-style networks, cross-entropy, one D and one G step per
    /// epoch against a discriminator unrolled by 10 steps, Adam 1e-4 with betas (0.9, 0.99), gradient norms
    /// clipped at 0.01, batch min(1000, 0.125 % of the budget), hold-out 30, 20,000 epochs.
    /// </summary>
    public override GatsbiOptions Paper() => GatsbiOptions.Paper() with
    {
        Convolutional = EncoderNetworks.Paper(2, Rows, ShallowWaterSolver.Cells),
        Loss = GatsbiLossKind.CrossEntropy,
        DiscriminatorSteps = 1,
        GeneratorSteps = 1,
        UnrolledSteps = 10,
        GeneratorLearningRate = 1e-4,
        DiscriminatorLearningRate = 1e-4,
        GeneratorBetas = (0.9, 0.99),
        DiscriminatorBetas = (0.9, 0.99),
        GeneratorMaxGradNorm = 0.01,
        DiscriminatorMaxGradNorm = 0.01,
        BatchSizeFraction = 0.00125,
        MaxBatchSize = 1000,
        HoldOut = 30,
        MaxEpochs = 20_000,
        LogEvery = 100,
    };

    /// <summary>
    /// For CPUs (docs/applications.md has the trials behind each choice): the same kind of networks on the folded
    /// spectrum, with a stride-2 stem and narrow layers (16, 32, 32, 8 channels: the published stem alone computes
    /// a 512 × 97 × 97 map per sample); no unrolling; batches of 128; 6,000 epochs; and the shared CPU optimisation
    /// (<see cref="ApplicationModel.WithCpuOptimisation"/>), whose energy score lowered the hold-out energy score
    /// from 18.3 to 15.5 and the error of the posterior mean from 6.7 to 4.5 m² in an 800-epoch trial.
    /// </summary>
    public override GatsbiOptions Fast() => WithCpuOptimisation(Paper()) with
    {
        Convolutional = new EncoderNetworks(2, Rows, ShallowWaterSolver.Cells,
            GeneratorChannels: [16, 32, 32, 8], DiscriminatorChannels: [16, 32, 32, 8], StemStride: 2,
            LatentDimension: 25, EmbeddingWidth: 100, HeadUnits: [256, 256, 256]),
        UnrolledSteps = 0,
        BatchSizeFraction = 1,
        MaxBatchSize = 128,
        MaxEpochs = 6_000,
    };
}
