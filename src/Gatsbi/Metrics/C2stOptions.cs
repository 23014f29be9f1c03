namespace Gatsbi.Metrics;

/// <summary>
/// Settings of the classifier two-sample test. The defaults are sbibm's (scikit-learn MLPClassifier with
/// two hidden ReLU layers of 10·D units, Adam 1e-3, L2 1e-4, batches of 200, at most 10,000 epochs,
/// stop after 11 epochs without a loss improvement above 1e-4; 5-fold shuffled cross-validation).
/// </summary>
public sealed record C2stOptions
{
    /// <summary>Cross-validation folds k; at least 2. sbibm uses 5.</summary>
    public int Folds { get; init; } = 5;

    /// <summary>Root seed of the fold split, the initial weights and each fold's batch order; sbibm uses 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Z-score both sets with the first set's column means and (n − 1) standard deviations.</summary>
    public bool ZScore { get; init; } = true;

    /// <summary>Width of each of the two hidden layers per data dimension: H = this × D.</summary>
    public int HiddenUnitsPerDimension { get; init; } = 10;

    /// <summary>Adam's step size (β₁ = 0.9, β₂ = 0.999, ε = 1e-8, constant schedule).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>L2 penalty α on the weights (not the biases), scikit-learn's <c>alpha</c>: each batch's mean loss adds α/(2B)·‖W‖² for a batch of B rows.</summary>
    public double L2 { get; init; } = 1e-4;

    /// <summary>Training rows per Adam step; the last batch of an epoch may be shorter.</summary>
    public int BatchSize { get; init; } = 200;

    /// <summary>Most epochs per fold when the stopping rule does not end training first.</summary>
    public int MaxEpochs { get; init; } = 10_000;

    /// <summary>Least decrease of the epoch loss below the best so far that counts as an improvement (scikit-learn's <c>tol</c>).</summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>
    /// scikit-learn's <c>n_iter_no_change</c>: a fold stops once more than this many consecutive epochs (so 11 by
    /// default) pass without an improvement above <see cref="Tolerance"/>.
    /// </summary>
    public int EpochsWithoutImprovement { get; init; } = 10;

    /// <summary>Worker threads, each training a share of the folds single-threaded (the networks are too small for intra-op threading).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
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

/// <summary>C2ST accuracy (0.5: indistinguishable, 1.0: fully separable) with its per-fold parts and the rows it compared.</summary>
/// <param name="Accuracy">Unweighted mean of <paramref name="FoldAccuracies"/>; values slightly below 0.5 happen by chance.</param>
/// <param name="FoldAccuracies">Each fold's fraction of correctly classified test rows, in fold order.</param>
/// <param name="FoldEpochs">Epochs each fold's classifier trained for before it stopped.</param>
public sealed record C2stResult(double Accuracy, double[] FoldAccuracies, int[] FoldEpochs)
{
    /// <summary>Rows of the first (reference) set as given.</summary>
    public int FirstRows { get; init; }

    /// <summary>Rows of the second set as given.</summary>
    public int SecondRows { get; init; }

    /// <summary>Rows of each set the classifier saw: the smaller set's count (see <see cref="C2st.Compute"/>).</summary>
    public int ComparedRows { get; init; }

    /// <summary>True when the sets differed in size and the larger was subsampled to <see cref="ComparedRows"/>, which callers should report.</summary>
    public bool Subsampled => FirstRows != SecondRows;
}
