namespace Gatsbi.Metrics;

/// <summary>
/// Settings of the classifier two-sample test. The defaults are sbibm's (scikit-learn MLPClassifier with
/// two hidden ReLU layers of 10·D units, Adam 1e-3, L2 1e-4, batches of 200, at most 10,000 epochs,
/// stop after 11 epochs without a loss improvement above 1e-4; 5-fold shuffled cross-validation).
/// </summary>
public sealed record C2stOptions
{
    public int Folds { get; init; } = 5;
    public ulong Seed { get; init; } = 1;

    /// <summary>Z-score both sets with the first set's column means and (n − 1) standard deviations.</summary>
    public bool ZScore { get; init; } = true;

    public int HiddenUnitsPerDimension { get; init; } = 10;
    public double LearningRate { get; init; } = 1e-3;
    public double L2 { get; init; } = 1e-4;
    public int BatchSize { get; init; } = 200;
    public int MaxEpochs { get; init; } = 10_000;
    public double Tolerance { get; init; } = 1e-4;
    public int EpochsWithoutImprovement { get; init; } = 10;

    /// <summary>Worker threads, each training a share of the folds single-threaded (the networks are too small for intra-op threading).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    public void Validate()
    {
        if (Folds < 2) throw new ArgumentException($"C2ST needs at least 2 folds; got {Folds}.");
        if (BatchSize < 1) throw new ArgumentException($"C2ST batch size must be positive; got {BatchSize}.");
        if (MaxEpochs < 1) throw new ArgumentException($"C2ST MaxEpochs must be positive; got {MaxEpochs}.");
        if (HiddenUnitsPerDimension < 1) throw new ArgumentException($"C2ST HiddenUnitsPerDimension must be positive; got {HiddenUnitsPerDimension}.");
        if (Threads < 1) throw new ArgumentException($"C2ST Threads must be positive; got {Threads}.");
        if (!(LearningRate > 0)) throw new ArgumentException($"C2ST LearningRate must be positive; got {LearningRate}.");
        if (!(L2 >= 0)) throw new ArgumentException($"C2ST L2 must be zero or positive; got {L2}.");
        if (!(Tolerance >= 0)) throw new ArgumentException($"C2ST Tolerance must be zero or positive; got {Tolerance}.");
        if (EpochsWithoutImprovement < 1) throw new ArgumentException($"C2ST EpochsWithoutImprovement must be positive; got {EpochsWithoutImprovement}.");
    }
}

/// <summary>C2ST accuracy (0.5: indistinguishable, 1.0: fully separable) with its per-fold parts.</summary>
public sealed record C2stResult(double Accuracy, double[] FoldAccuracies, int[] FoldEpochs);
