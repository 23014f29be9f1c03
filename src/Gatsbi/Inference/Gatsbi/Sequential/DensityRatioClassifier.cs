using Gatsbi.Native;
using Gatsbi.Nn;
using Gatsbi.Randomness;
using TorchSharp;
using TorchSharp.Modules;
using Mlp = TorchSharp.Modules.Sequential;
using static TorchSharp.torch;

namespace Gatsbi.Inference.Gatsbi.Sequential;

/// <summary>
/// Settings of <see cref="DensityRatioClassifier"/>; the defaults follow the scikit-learn <c>MLPClassifier</c> of
/// the original GATSBI code (github.com/mackelab/gatsbi, gatsbi/utils/classifier.py), except for the
/// validation split.
/// </summary>
public sealed record DensityRatioOptions
{
    /// <summary>Widths of the ReLU hidden layers, input side first; four layers of 128 as the original.</summary>
    public int[] HiddenUnits { get; init; } = [128, 128, 128, 128];

    /// <summary>Adam's learning rate (β = (0.9, 0.999)); 10⁻³, scikit-learn's default.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Minibatch size, capped at the number of training rows; 200, scikit-learn's default.</summary>
    public int BatchSize { get; init; } = 200;

    /// <summary>The most passes over the training rows; 5 000, the original's <c>max_iter</c>. Training usually stops earlier on <see cref="Patience"/>.</summary>
    public int MaxEpochs { get; init; } = 5_000;

    /// <summary>
    /// Share of the samples held out to decide when to stop; the weights of the best validation loss are kept.
    /// 0 stops on the training loss as the original's scikit-learn classifier did, which lets the
    /// network overfit the two samples and makes the odds, and so the corrections' weights, more extreme.
    /// </summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Training stops when the monitored loss has not improved by this much for <see cref="Patience"/> epochs (scikit-learn's tol).</summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>Epochs without an improvement of at least <see cref="Tolerance"/> after which training stops (scikit-learn's <c>n_iter_no_change</c>, 10).</summary>
    public int Patience { get; init; } = 10;

    /// <summary>Added to both probabilities of the odds, bounding every odds value to about [1e-3, 1e3].</summary>
    public double OddsSmoothing { get; init; } = 1e-3;

    /// <summary>Checks every setting; <see cref="DensityRatioClassifier.Train"/> calls it.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it and its value.</exception>
    public void Validate()
    {
        if (HiddenUnits.Length == 0 || HiddenUnits.Any(u => u < 1))
            throw new ArgumentException($"DensityRatioOptions.HiddenUnits must list at least one positive width; got [{string.Join(", ", HiddenUnits)}].");
        if (!(LearningRate > 0)) throw new ArgumentException($"DensityRatioOptions.LearningRate must be positive; got {LearningRate}.");
        if (BatchSize < 1) throw new ArgumentException($"DensityRatioOptions.BatchSize must be at least 1; got {BatchSize}.");
        if (MaxEpochs < 1) throw new ArgumentException($"DensityRatioOptions.MaxEpochs must be at least 1; got {MaxEpochs}.");
        if (!(Tolerance >= 0)) throw new ArgumentException($"DensityRatioOptions.Tolerance must be zero or positive; got {Tolerance}.");
        if (Patience < 1) throw new ArgumentException($"DensityRatioOptions.Patience must be at least 1; got {Patience}.");
        if (ValidationFraction is not (>= 0 and < 1)) throw new ArgumentException($"DensityRatioOptions.ValidationFraction must be in [0, 1); got {ValidationFraction}.");
        if (!(OddsSmoothing > 0)) throw new ArgumentException($"DensityRatioOptions.OddsSmoothing must be positive; got {OddsSmoothing}.");
    }
}

/// <summary>
/// A binary classifier between samples of two distributions, class 0 and class 1, used for the density ratios
/// of sequential GATSBI. With p the predicted probability of class 1, <see cref="Odds(float[,], int)"/> gives
/// (p + δ) / (1 − p + δ) ≈ (N₁ p₁(v)) / (N₀ p₀(v)) for class 1, and the reciprocal form for class 0.
/// Inputs are standardised with class 0's statistics (the original GATSBI code fed raw values to an
/// MLP, which makes the fit depend on the units). The network is a ReLU MLP trained with binary
/// cross-entropy and Adam on shuffled minibatches. The classifier owns TorchSharp modules: dispose it when done.
/// </summary>
public sealed class DensityRatioClassifier : IDisposable
{
    private readonly Mlp _network;
    private readonly Standardization _scale;
    private readonly double _smoothing;

    private DensityRatioClassifier(Mlp network, Standardization scale, double smoothing, int epochs)
    {
        _network = network;
        _scale = scale;
        _smoothing = smoothing;
        Epochs = epochs;
    }

    /// <summary>Training epochs run.</summary>
    public int Epochs { get; }

    /// <summary>Trains a classifier between <paramref name="class0"/> (label 0) and <paramref name="class1"/> (label 1); same seed, same classifier.</summary>
    /// <param name="class0">Samples of class 0, one per row (n₀ × d); their column statistics standardise every input.</param>
    /// <param name="class1">Samples of class 1, n₁ × d.</param>
    /// <param name="seed">Decides the initial weights, the validation split and the shuffles.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <returns>A trained classifier in evaluation mode, owned by the caller.</returns>
    /// <exception cref="ArgumentException">The classes differ in column count, a class is empty, or an option is invalid.</exception>
    public static DensityRatioClassifier Train(float[,] class0, float[,] class1, ulong seed, DensityRatioOptions? options = null)
    {
        TorchRuntime.EnsureLoaded();
        options ??= new DensityRatioOptions();
        options.Validate();
        int n0 = class0.GetLength(0), n1 = class1.GetLength(0), d = class0.GetLength(1);
        if (class1.GetLength(1) != d)
            throw new ArgumentException($"The two classes have {d} and {class1.GetLength(1)} columns; they must describe the same variables.");
        if (n0 < 1 || n1 < 1) throw new ArgumentException($"Both classes need samples; got {n0} and {n1}.");

        lock (TorchProcessState.Gate)
        {
            manual_seed(Seeds.ForTorch(Seeds.Derive(seed, Seeds.Streams.Networks)));
            var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
            int previous = d;
            for (int i = 0; i < options.HiddenUnits.Length; i++)
            {
                layers.Add(($"linear{i + 1}", nn.Linear(previous, options.HiddenUnits[i])));
                layers.Add(($"relu{i + 1}", nn.ReLU()));
                previous = options.HiddenUnits[i];
            }
            layers.Add(("output", nn.Linear(previous, 1)));
            var network = nn.Sequential(layers);
            using var scope = NewDisposeScope();
            var inputs = cat([tensor(class0), tensor(class1)], 0);
            var labels = cat([zeros(n0), ones(n1)], 0);
            var scale = new Standardization(d);
            scale.Fit(inputs.narrow(0, 0, n0));
            scale.DetachFromDisposeScopes();
            int epochs = Fit(network, scale.forward(inputs), labels, seed, options);
            network.DetachFromDisposeScopes();
            network.eval();
            return new DensityRatioClassifier(network, scale, options.OddsSmoothing, epochs);
        }
    }

    private static int Fit(Mlp network, Tensor inputs, Tensor labels, ulong seed, DensityRatioOptions options)
    {
        Parameter[] parameters = [.. network.parameters()];
        using var optimizer = new AdamOptimizer(parameters, options.LearningRate, 0.9, 0.999);
        using var shuffle = new torch.Generator(Seeds.Derive(seed, Seeds.Streams.Training));
        // Trains even when the caller is inside a no-grad block (sequential GATSBI calls it between training rounds).
        using var gradients = enable_grad();
        var (train, validation) = Split(inputs.shape[0], options.ValidationFraction, shuffle);
        var (trainInputs, trainLabels) = (inputs.index_select(0, train), labels.index_select(0, train));
        long rows = train.shape[0];
        int batch = (int)Math.Min(options.BatchSize, rows);
        using var bestWeights = validation is null ? null : new WeightCopy(parameters);
        double best = double.PositiveInfinity;
        int stale = 0, epoch = 0;
        network.train();
        while (epoch < options.MaxEpochs && stale < options.Patience)
        {
            epoch++;
            double sum = 0;
            using (NewDisposeScope())
            {
                var order = randperm(rows, generator: shuffle);
                for (long start = 0; start < rows; start += batch)
                {
                    using var step = NewDisposeScope();
                    long n = Math.Min(batch, rows - start);
                    var index = order.narrow(0, start, n);
                    optimizer.ZeroGrad();
                    var logits = network.forward(trainInputs.index_select(0, index)).squeeze(1);
                    var loss = nn.functional.binary_cross_entropy_with_logits(logits, trainLabels.index_select(0, index));
                    loss.backward();
                    optimizer.Step();
                    sum += loss.item<float>() * n;
                }
            }
            double monitored = validation is null ? sum / rows : ValidationLoss(network, inputs, labels, validation);
            // scikit-learn's rule: an epoch counts as an improvement only if it beats the best by the tolerance.
            if (monitored > best - options.Tolerance) stale++;
            else stale = 0;
            if (monitored < best)
            {
                best = monitored;
                bestWeights?.CopyFrom(parameters);
            }
        }
        bestWeights?.CopyTo(parameters);
        return epoch;
    }

    /// <summary>Training and validation rows of a seeded shuffle; no validation set when the fraction is 0 or leaves nothing to train on.</summary>
    private static (Tensor Train, Tensor? Validation) Split(long rows, double fraction, torch.Generator shuffle)
    {
        long held = (long)Math.Ceiling(fraction * rows);
        if (held < 1 || held >= rows) return (arange(rows), null);
        var order = randperm(rows, generator: shuffle);
        return (order.narrow(0, 0, rows - held), order.narrow(0, rows - held, held));
    }

    private static double ValidationLoss(Mlp network, Tensor inputs, Tensor labels, Tensor validation)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var logits = network.forward(inputs.index_select(0, validation)).squeeze(1);
        return nn.functional.binary_cross_entropy_with_logits(logits, labels.index_select(0, validation)).item<float>();
    }

    /// <summary>
    /// Per-row odds of class <paramref name="classIndex"/>: (p_k + δ) / (1 − p_k + δ), where p_k is the predicted
    /// probability of that class. For class 1 this estimates N₁ p₁(v) / (N₀ p₀(v)); for class 0 the reciprocal.
    /// </summary>
    /// <param name="samples">Rows to evaluate, n × d, with the classes' d columns.</param>
    /// <param name="classIndex">0 or 1.</param>
    /// <returns>n odds values, each within about [δ, 1/δ] for the smoothing δ.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classIndex"/> is neither 0 nor 1.</exception>
    /// <exception cref="ArgumentException">The samples do not have the classifier's column count.</exception>
    public double[] Odds(float[,] samples, int classIndex)
    {
        using var scope = NewDisposeScope();
        return Odds(tensor(samples), classIndex).to_type(ScalarType.Float64).data<double>().ToArray();
    }

    /// <summary>The odds of <paramref name="classIndex"/> for each row of a float tensor, as a constant (no gradient) float tensor.</summary>
    /// <param name="samples">A 2-D tensor, n × d; it is not disposed.</param>
    /// <param name="classIndex">0 or 1.</param>
    /// <returns>A new 1-D tensor of n odds with the dtype of <paramref name="samples"/>, owned by the caller.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classIndex"/> is neither 0 nor 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="samples"/> is not n × d for the classifier's d.</exception>
    public Tensor Odds(Tensor samples, int classIndex)
    {
        if (classIndex is not (0 or 1)) throw new ArgumentOutOfRangeException(nameof(classIndex), classIndex, "The classifier has classes 0 and 1.");
        if (samples.dim() != 2 || samples.shape[1] != _scale.Mean.shape[0])
            throw new ArgumentException($"The samples have shape [{string.Join(", ", samples.shape)}]; the classifier was trained on {_scale.Mean.shape[0]} columns.");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var logits = _network.forward(_scale.forward(samples)).squeeze(1).to_type(ScalarType.Float64);
        // Class 0's probability is 1 − p₁; the odds of class 0 are the same expression with the roles swapped.
        var p = sigmoid(classIndex == 1 ? logits : logits.neg());
        var odds = p.Plus(_smoothing).div_(p.neg().PlusInPlace(1.0).PlusInPlace(_smoothing));
        return odds.to_type(samples.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Releases the network's and the standardisation's native tensors.</summary>
    public void Dispose()
    {
        _network.Dispose();
        _scale.Dispose();
    }
}
