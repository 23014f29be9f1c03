using Gatsbi.Native;
using Gatsbi.Nn;
using Gatsbi.Randomness;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatsbi.Metrics;

/// <summary>
/// Classifier two-sample test as sbibm defines it (sbibm/metrics/c2st.py in github.com/sbi-benchmark/sbibm,
/// which trains scikit-learn's MLPClassifier under KFold cross-validation): the mean cross-validated
/// accuracy of an MLP that tells samples of <c>x</c> from samples of <c>y</c>, at equal sizes (see
/// <see cref="Compute"/>). 0.5 means the sets are indistinguishable, 1.0 that they are fully separable.
/// The k classifiers of the cross-validation are trained together as one batched network (one weight
/// slice per fold), so each optimiser step costs one set of tensor operations instead of k. Each fold
/// keeps its own data order, step count and stopping rule, so the result equals k separate fits.
/// </summary>
public static class C2st
{
    private const double Beta1 = 0.9, Beta2 = 0.999, AdamEps = 1e-8;

    /// <summary>
    /// The C2ST accuracy of <paramref name="x"/> against <paramref name="y"/>: labels 0 for x and 1 for y,
    /// k-fold cross-validation, the mean of the folds' test accuracies. Deterministic for
    /// <see cref="C2stOptions.Seed"/>, whatever <see cref="C2stOptions.Threads"/> is.
    /// </summary>
    /// <remarks>
    /// The two sets are compared at equal sizes, as sbibm compares them (10,000 reference samples against
    /// 10,000 posterior samples). Given sets of different sizes, the larger is subsampled without replacement
    /// to the size of the smaller, with a random subset fixed by <see cref="C2stOptions.Seed"/>, and the
    /// result says so (<see cref="C2stResult.Subsampled"/>). Without that, 0.5 would stop being the chance
    /// level: a classifier that always answers the larger set is right for n/(n + m) of the rows, so two
    /// samples of one distribution, 10,000 against 1,000, would score about 0.91 instead of 0.5.
    /// </remarks>
    /// <param name="x">The reference set, n × D with n ≥ 2 (sbibm passes the reference posterior samples); the rows compared alone fix the z-scoring.</param>
    /// <param name="y">The set under test, m × D with m ≥ 2.</param>
    /// <param name="options">Classifier and cross-validation settings; sbibm's defaults when null.</param>
    /// <param name="progress">Reports one unit per fold as each finishes training.</param>
    /// <param name="cancellation">Checked before every epoch.</param>
    /// <exception cref="ArgumentException">The sets differ in column count, have no columns, fewer than 2 rows or a non-finite value;
    /// the options are invalid; there are fewer rows compared (twice the smaller set's) than folds; or a z-scored column of <paramref name="x"/> is constant.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public static C2stResult Compute(float[,] x, float[,] y, C2stOptions? options = null,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellation = default)
    {
        options ??= new C2stOptions();
        options.Validate();
        Check(x, y);
        int compared = Math.Min(x.GetLength(0), y.GetLength(0));
        var subsample = new Rng(Seeds.Derive(options.Seed, Seeds.Streams.Metric, 2));
        var (data, labels, d) = Prepare(Subsample(x, compared, subsample), Subsample(y, compared, subsample), options.ZScore);
        int n = labels.Length;
        var splits = KFold.Split(n, options.Folds, new Rng(Seeds.Derive(options.Seed, Seeds.Streams.Metric)));

        TorchRuntime.EnsureLoaded();
        lock (TorchProcessState.Gate)
        {
            int previousThreads = get_num_threads();
            set_num_threads(1);
            try
            {
                return FitFolds(options, d, data, labels, splits, progress, cancellation) with
                {
                    FirstRows = x.GetLength(0),
                    SecondRows = y.GetLength(0),
                    ComparedRows = compared,
                };
            }
            finally
            {
                set_num_threads(previousThreads);
            }
        }
    }

    /// <summary>Folds trained together as one batched network; fixed, so the result does not depend on the thread count.</summary>
    private const int FoldsPerNetwork = 3;

    /// <summary>
    /// Trains the folds in groups of <see cref="FoldsPerNetwork"/>, the groups spread over up to
    /// <see cref="C2stOptions.Threads"/> worker threads (the networks are too small for TorchSharp's own
    /// threading to pay). The grouping is fixed, so the thread count only decides what runs concurrently.
    /// </summary>
    private static C2stResult FitFolds(C2stOptions options, int d, float[] data, float[] labels, (int[] Train, int[] Test)[] splits,
        IProgress<WorkProgress>? progress, CancellationToken cancellation)
    {
        int folds = splits.Length;
        var groups = Enumerable.Range(0, folds).Chunk(FoldsPerNetwork).ToArray();
        var accuracy = new double[folds];
        var epochs = new int[folds];
        int finished = 0, nextGroup = -1;
        int workerCount = Math.Min(options.Threads, groups.Length);
        var workers = Enumerable.Range(0, workerCount).Select(_ => Task.Factory.StartNew(() =>
        {
            int g;
            while ((g = Interlocked.Increment(ref nextGroup)) < groups.Length)
            {
                var foldIds = groups[g];
                using var scope = NewDisposeScope();
                var fit = new BatchedFit(options, d, tensor(data, [labels.Length, d]), tensor(labels, [labels.Length]), splits, foldIds);
                var (acc, used) = fit.Run(epoch => progress?.Report(new WorkProgress(Interlocked.Increment(ref finished), folds, $"epoch {epoch}")), cancellation);
                for (int i = 0; i < foldIds.Length; i++)
                {
                    accuracy[foldIds[i]] = acc[i];
                    epochs[foldIds[i]] = used[i];
                }
            }
        }, cancellation, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        try
        {
            Task.WaitAll(workers, cancellation);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException!).Throw();
        }
        return new C2stResult(accuracy.Average(), accuracy, epochs);
    }

    /// <summary>The checks of both whole sets, before any subsampling, so that a bad value in a row left out is still reported.</summary>
    private static void Check(float[,] x, float[,] y)
    {
        int d = x.GetLength(1);
        if (y.GetLength(1) != d)
            throw new ArgumentException($"C2ST needs sample sets of equal dimension; the first has {d} columns, the second {y.GetLength(1)}.");
        if (d == 0) throw new ArgumentException("C2ST needs at least one column.");
        int nx = x.GetLength(0), ny = y.GetLength(0);
        if (nx < 2 || ny < 2) throw new ArgumentException($"C2ST needs at least 2 samples in each set; got {nx} and {ny}.");
        CheckFinite(x, "first");
        CheckFinite(y, "second");
    }

    /// <summary>
    /// <paramref name="rows"/> rows of <paramref name="samples"/> drawn without replacement, kept in their
    /// order; the set itself when it has no more rows than that. The rows are a random subset rather than
    /// the first ones because a file of samples may be ordered (an MCMC chain, sorted output).
    /// </summary>
    private static float[,] Subsample(float[,] samples, int rows, Rng rng)
    {
        int n = samples.GetLength(0);
        if (n == rows) return samples;
        var chosen = rng.Permutation(n).AsSpan(0, rows).ToArray();
        Array.Sort(chosen);
        return samples.SelectRows(chosen);
    }

    /// <summary>Stacks [x; y] (checked by <see cref="Check"/>) with labels 0 and 1, z-scored with x's column statistics.</summary>
    private static (float[] Data, float[] Labels, int Dimension) Prepare(float[,] x, float[,] y, bool zScore)
    {
        int d = x.GetLength(1);
        int nx = x.GetLength(0), ny = y.GetLength(0);
        var (mean, std) = zScore ? ReferenceScaling.ZScore(x) : ReferenceScaling.Identity(d);
        int n = nx + ny;
        var data = new float[n * d];
        var labels = new float[n];
        for (int i = 0; i < n; i++)
        {
            var source = i < nx ? x : y;
            int row = i < nx ? i : i - nx;
            for (int j = 0; j < d; j++) data[i * d + j] = (float)((source[row, j] - mean[j]) / std[j]);
            labels[i] = i < nx ? 0f : 1f;
        }
        return (data, labels, d);
    }

    private static void CheckFinite(float[,] samples, string which)
    {
        for (int i = 0; i < samples.GetLength(0); i++)
            for (int j = 0; j < samples.GetLength(1); j++)
                if (!float.IsFinite(samples[i, j]))
                    throw new ArgumentException($"The {which} sample set has a non-finite value at row {i + 1}, column {j + 1}.");
    }

    /// <summary>
    /// Several folds' MLPs D → H → H → 1 held as rows of one (folds × P) parameter tensor and trained by
    /// Adam with per-fold masks. Gradients are written out by hand (three layers; the formulas are
    /// scikit-learn's), which avoids the autograd engine's per-step overhead on these tiny networks.
    /// </summary>
    private sealed class BatchedFit
    {
        private readonly C2stOptions _o;
        private readonly int _d, _h, _folds;
        private readonly Tensor _data, _labels;
        private readonly (int[] Train, int[] Test)[] _splits;
        private readonly Tensor _params, _m, _v;
        private readonly Rng[] _foldRngs;
        private readonly int[] _steps;

        public BatchedFit(C2stOptions o, int d, Tensor data, Tensor labels, (int[] Train, int[] Test)[] splits, int[] foldIds)
        {
            _o = o;
            _d = d;
            _h = o.HiddenUnitsPerDimension * d;
            _folds = foldIds.Length;
            _data = data;
            _labels = labels;
            _splits = foldIds.Select(f => splits[f]).ToArray();
            // scikit-learn reseeds every fold's fit with the same random_state, so all folds start from the same weights.
            var initial = GlorotInit(new Rng(Seeds.Derive(o.Seed, Seeds.Streams.Metric, 1)));
            _params = tensor(initial).unsqueeze(0).repeat(_folds, 1);
            _m = zeros_like(_params);
            _v = zeros_like(_params);
            _foldRngs = foldIds.Select(f => new Rng(Seeds.Derive(o.Seed, Seeds.Streams.Metric, 100 + (ulong)f))).ToArray();
            _steps = new int[_folds];
        }

        private int ParameterCount => _d * _h + _h + _h * _h + _h + _h + 1;

        /// <summary>Glorot-uniform weights and biases, bound √(6 / (fan_in + fan_out)), drawn layer by layer as scikit-learn does.</summary>
        private float[] GlorotInit(Rng rng)
        {
            var values = new List<float>(ParameterCount);
            foreach (var (fanIn, fanOut) in new[] { (_d, _h), (_h, _h), (_h, 1) })
            {
                double bound = Math.Sqrt(6.0 / (fanIn + fanOut));
                for (int i = 0; i < fanIn * fanOut + fanOut; i++) values.Add((float)rng.Uniform(-bound, bound));
            }
            return [.. values];
        }

        /// <summary>Views of the flat parameter rows as (weights, bias) per layer, with a leading fold axis.</summary>
        private (Tensor W1, Tensor B1, Tensor W2, Tensor B2, Tensor W3, Tensor B3) Layers(Tensor flat)
        {
            long k = flat.shape[0], offset = 0;
            Tensor Take(long rows, long cols)
            {
                var t = flat.narrow(1, offset, rows * cols).view(k, rows, cols);
                offset += rows * cols;
                return t;
            }
            var w1 = Take(_d, _h); var b1 = Take(1, _h);
            var w2 = Take(_h, _h); var b2 = Take(1, _h);
            var w3 = Take(_h, 1); var b3 = Take(1, 1);
            return (w1, b1, w2, b2, w3, b3);
        }

        public (double[] Accuracy, int[] Epochs) Run(Action<int> foldDone, CancellationToken cancellation)
        {
            int batch = _o.BatchSize;
            var trainCounts = _splits.Select(s => s.Train.Length).ToArray();
            int maxBatches = trainCounts.Max(c => (c + batch - 1) / batch);
            var best = Enumerable.Repeat(double.PositiveInfinity, _folds).ToArray();
            var noImprovement = new int[_folds];
            var accuracy = new double[_folds];
            var epochsUsed = new int[_folds];
            var done = new bool[_folds];

            for (int epoch = 1; epoch <= _o.MaxEpochs && done.Contains(false); epoch++)
            {
                cancellation.ThrowIfCancellationRequested();
                double[] losses;
                using (NewDisposeScope())
                {
                    var (index, mask) = EpochIndex(maxBatches, batch);
                    var epochLoss = zeros(_folds);
                    for (int b = 0; b < maxBatches; b++)
                    {
                        using var step = NewDisposeScope();
                        var counts = trainCounts.Select(c => Math.Clamp(c - b * batch, 0, batch)).ToArray();
                        var active = counts.Select((c, f) => c > 0 && !done[f]).ToArray();
                        epochLoss.PlusInPlace(Step(index.narrow(1, (long)b * batch, batch), mask.narrow(1, (long)b * batch, batch), counts, active));
                    }
                    losses = epochLoss.data<float>().Select((v, f) => (double)v / trainCounts[f]).ToArray();
                }
                for (int f = 0; f < _folds; f++)
                {
                    if (done[f]) continue;
                    noImprovement[f] = losses[f] > best[f] - _o.Tolerance ? noImprovement[f] + 1 : 0;
                    best[f] = Math.Min(best[f], losses[f]);
                    if (noImprovement[f] > _o.EpochsWithoutImprovement || epoch == _o.MaxEpochs)
                    {
                        done[f] = true;
                        epochsUsed[f] = epoch;
                        accuracy[f] = TestAccuracy(f);
                        foldDone(epoch);
                    }
                }
            }
            return (accuracy, epochsUsed);
        }

        /// <summary>
        /// Row indices for one epoch: each fold's training rows in a fresh order, cut into batches; folds with
        /// fewer batches are padded with masked-out rows.
        /// </summary>
        private (Tensor Index, Tensor Mask) EpochIndex(int maxBatches, int batch)
        {
            int width = maxBatches * batch;
            var index = new long[_folds * width];
            var mask = new float[_folds * width];
            for (int f = 0; f < _folds; f++)
            {
                var train = _splits[f].Train;
                var order = _foldRngs[f].Permutation(train.Length);
                for (int i = 0; i < width; i++)
                {
                    bool real = i < train.Length;
                    index[f * width + i] = real ? train[order[i]] : train[0];
                    mask[f * width + i] = real ? 1f : 0f;
                }
            }
            return (tensor(index, [_folds, width]), tensor(mask, [_folds, width, 1]));
        }

        /// <summary>
        /// One Adam step on every active fold. Returns each fold's batch loss times its batch size
        /// (summed cross-entropy plus the L2 penalty α/2·‖W‖²), the quantity scikit-learn averages per epoch.
        /// </summary>
        private Tensor Step(Tensor index, Tensor mask, int[] counts, bool[] active)
        {
            int batch = (int)index.shape[1];
            var flatIndex = index.flatten();
            var x = _data.index_select(0, flatIndex).view(_folds, batch, _d);
            var y = _labels.index_select(0, flatIndex).view(_folds, batch, 1);
            var (w1, b1, w2, b2, w3, b3) = Layers(_params);
            var zero = TorchScalars.Of(0.0);

            var a1 = x.bmm(w1).PlusInPlace(b1);
            var h1 = a1.relu();
            var a2 = h1.bmm(w2).PlusInPlace(b2);
            var h2 = a2.relu();
            var z = h2.bmm(w3).PlusInPlace(b3);

            // Loss (for the stopping rule): Σ masked cross-entropy + α/2·Σ‖W‖², per fold.
            var crossEntropy = nn.functional.binary_cross_entropy_with_logits(z, y, reduction: nn.Reduction.None).mul_(mask).sum([1, 2]);
            var squaredWeights = (w1 * w1).sum([1, 2]).PlusInPlace((w2 * w2).sum([1, 2])).PlusInPlace((w3 * w3).sum([1, 2]));
            // A fold without rows in this (padded) batch takes no step, so its loss gets no penalty term either.
            var hasRows = tensor(counts.Select(c => c > 0 ? 1f : 0f).ToArray());
            var loss = crossEntropy.PlusInPlace(squaredWeights.mul_(TorchScalars.Of(_o.L2 / 2)).mul_(hasRows));

            // Gradients of the mean loss over each fold's batch of B rows: with δ = (σ(z) − y)/B, weight
            // gradients are Aᵀδ + (α/B)·W and bias gradients Σδ (scikit-learn's (Aᵀ(σ − y) + αW)/B and mean).
            var inverseCount = tensor(counts.Select(c => 1f / Math.Max(c, 1)).ToArray()).view(_folds, 1, 1);
            var delta3 = z.sigmoid().MinusInPlace(y).mul_(mask).mul_(inverseCount);
            var penalty = inverseCount * TorchScalars.Of(_o.L2);
            var g3 = h2.transpose(1, 2).bmm(delta3).PlusInPlace(w3 * penalty);
            var gb3 = delta3.sum(1, keepdim: true);
            var delta2 = delta3.bmm(w3.transpose(1, 2)).mul_(a2.gt(zero));
            var g2 = h1.transpose(1, 2).bmm(delta2).PlusInPlace(w2 * penalty);
            var gb2 = delta2.sum(1, keepdim: true);
            var delta1 = delta2.bmm(w2.transpose(1, 2)).mul_(a1.gt(zero));
            var g1 = x.transpose(1, 2).bmm(delta1).PlusInPlace(w1 * penalty);
            var gb1 = delta1.sum(1, keepdim: true);
            var grad = cat([g1.flatten(1), gb1.flatten(1), g2.flatten(1), gb2.flatten(1), g3.flatten(1), gb3.flatten(1)], 1);

            // Adam per fold; inactive folds (stopped, or without rows in this batch) keep moments and weights.
            var keep1 = new float[_folds];
            var keep2 = new float[_folds];
            var rate = new float[_folds];
            for (int f = 0; f < _folds; f++)
            {
                keep1[f] = keep2[f] = 1f;
                if (!active[f]) continue;
                int t = ++_steps[f];
                keep1[f] = (float)Beta1;
                keep2[f] = (float)Beta2;
                rate[f] = (float)(_o.LearningRate * Math.Sqrt(1 - Math.Pow(Beta2, t)) / (1 - Math.Pow(Beta1, t)));
            }
            var keep1T = tensor(keep1).view(_folds, 1);
            var keep2T = tensor(keep2).view(_folds, 1);
            _m.mul_(keep1T).addcmul_(grad, keep1T.neg().PlusInPlace(1.0), TorchScalars.Of(1.0));
            _v.mul_(keep2T).addcmul_(grad * grad, keep2T.neg().PlusInPlace(1.0), TorchScalars.Of(1.0));
            var update = _m / _v.sqrt().PlusInPlace(AdamEps);
            _params.MinusInPlace(update.mul_(tensor(rate).view(_folds, 1)));
            return loss;
        }

        private double TestAccuracy(int fold)
        {
            using var scope = NewDisposeScope();
            var test = _splits[fold].Test;
            var index = tensor(test.Select(i => (long)i).ToArray());
            var x = _data.index_select(0, index).unsqueeze(0);
            var (w1, b1, w2, b2, w3, b3) = Layers(_params.narrow(0, fold, 1));
            var z = x.bmm(w1).PlusInPlace(b1).relu().bmm(w2).PlusInPlace(b2).relu().bmm(w3).PlusInPlace(b3).flatten();
            var predicted = z.gt(TorchScalars.Of(0.0)).to_type(ScalarType.Float32);
            var correct = predicted.eq(_labels.index_select(0, index)).sum().item<long>();
            return correct / (double)test.Length;
        }
    }
}
