using System.Text.Json;
using Gatsbi.Metrics;
using Gatsbi.Randomness;
using Gatsbi.Storage;
using Gatsbi.Tests.Core;
using Xunit.Abstractions;

namespace Gatsbi.Tests.Metrics;

[Collection(TorchCollection.Name)]
public sealed class C2stTests(ITestOutputHelper output) : TorchTest
{
    private static readonly string CaseFolder = Path.Combine(AppContext.BaseDirectory, "Data", "c2st_cases");

    private sealed record Case(string Task, string X, string Y, double C2stSklearn);

    private static readonly Lazy<Case[]> Cases = new(() =>
    {
        var json = File.ReadAllText(Path.Combine(CaseFolder, "expected.json"));
        var cases = JsonSerializer.Deserialize<Case[]>(json, new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            PropertyNameCaseInsensitive = true,
        });
        return cases!;
    });

    private static float[,] Read(string name) => CsvMatrix.Read(Path.Combine(CaseFolder, name + ".gz")).Values;

    /// <summary>
    /// Our C2ST against scikit-learn's on the calibration cases (Data/c2st_cases/README.md). The README's
    /// tolerance for an independent implementation is ±0.02: the classifiers' random streams (NumPy's MT19937
    /// vs ours) differ, so the two values are different draws of a noisy metric; ours is deterministic for its
    /// fixed seed (1).
    /// </summary>
    private void AgreesWithScikitLearn(string y)
    {
        var c = Cases.Value.Single(k => k.Y == y);
        var result = C2st.Compute(Read(c.X), Read(c.Y));
        output.WriteLine($"{c.Y}: ours {result.Accuracy:F4}, sklearn {c.C2stSklearn:F4}; fold epochs {string.Join(", ", result.FoldEpochs)}");
        Assert.InRange(result.Accuracy, c.C2stSklearn - 0.02, c.C2stSklearn + 0.02);
    }

    [Fact]
    public void The_case_list_is_complete()
    {
        Assert.Equal(8, Cases.Value.Length);
        Assert.All(Cases.Value, c => Assert.True(File.Exists(Path.Combine(CaseFolder, c.Y + ".gz")), c.Y));
        Assert.All(Cases.Value, c => Assert.InRange(c.C2stSklearn, 0.4, 1.0));
    }

    /// <summary>The two quick cases (one per task, about 8 s together on the 2-core dev machine) run by default.</summary>
    [Theory]
    [InlineData("two_moons_Y_split_halves.csv")]
    [InlineData("slcp_Y_gaussian_fit.csv")]
    public void Case_agrees_with_scikit_learn(string y) => AgreesWithScikitLearn(y);

    /// <summary>
    /// The other cases took 9–33 s each in Debug on the 2-core dev machine (all 8 together about 100 s), so
    /// they are opt-in: <c>--filter "Category=Slow"</c>.
    /// </summary>
    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("two_moons_Y_gaussian_fit.csv")]
    [InlineData("two_moons_Y_shift_0.1.csv")]
    [InlineData("slcp_Y_split_halves.csv")]
    [InlineData("slcp_Y_jitter_0.05.csv")]
    [InlineData("slcp_Y_shift_0.1.csv")]
    public void Slow_case_agrees_with_scikit_learn(string y) => AgreesWithScikitLearn(y);

    /// <summary>
    /// two_moons jitter_0.05 is much noisier than ±0.02, for scikit-learn itself: the classifier stops on a
    /// long plateau after a number of epochs that depends on its random stream, and so on the CPU's rounding.
    /// scikit-learn 1.2.1 (bench/sklearn/c2st_cases.py) gave 0.735, 0.704, 0.637, 0.803, 0.771 with random_state
    /// 1..5 (mean 0.730, sd ≈ 0.06; expected.json's 0.744 is one such draw from another machine), so no single
    /// value of ours can be held to it. The test compares means over seeds 1..5 instead: ours had sd ≈ 0.02 over
    /// seeds (0.717–0.766 on the 2-core reference machine), so its mean moves by about 0.01 between machines, and
    /// ±0.05 around scikit-learn's mean is five of those while still catching a systematic error (a wrong stopping
    /// rule or L2 scaling moves every seed, typically by more).
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void Noisy_two_moons_jitter_case_agrees_with_scikit_learn_over_seeds()
    {
        var c = Cases.Value.Single(k => k.Y == "two_moons_Y_jitter_0.05.csv");
        var (x, y) = (Read(c.X), Read(c.Y));
        var ours = Enumerable.Range(1, 5).Select(seed => C2st.Compute(x, y, new C2stOptions { Seed = (ulong)seed }).Accuracy).ToArray();
        const double scikitLearnMean = (0.735 + 0.704 + 0.637 + 0.803 + 0.771) / 5;
        output.WriteLine($"ours over seeds 1..5: {string.Join(", ", ours.Select(v => v.ToString("F3")))}; mean {ours.Average():F3}, scikit-learn's {scikitLearnMean:F3}");
        Assert.InRange(ours.Average(), scikitLearnMean - 0.05, scikitLearnMean + 0.05);
    }

    private static float[,] Gaussian(int n, double[] mean, Rng rng)
    {
        var x = new float[n, mean.Length];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < mean.Length; j++)
                x[i, j] = (float)(mean[j] + rng.Normal());
        return x;
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(1.4142135623730951)]
    public void Shifted_gaussians_approach_the_Bayes_accuracy(double distance)
    {
        // N(0, I) vs N(Δ, I) with equal priors has Bayes accuracy Φ(‖Δ‖/2): 0.691 for 1, 0.760 for √2.
        var rng = new Rng(123);
        const int n = 2500;
        var shift = new[] { distance / Math.Sqrt(2), distance / Math.Sqrt(2) };
        var result = C2st.Compute(Gaussian(n, [0, 0], rng), Gaussian(n, shift, rng));
        double bayes = Stats.NormalCdf(distance / 2);
        output.WriteLine($"‖Δ‖ = {distance}: C2ST {result.Accuracy:F4}, Bayes {bayes:F4}");
        // 5,000 test predictions in all: SE ≈ √(0.7·0.3/5000) ≈ 0.0065. No classifier beats the Bayes rule
        // beyond noise (+3 SE); the MLP may fall a little short of it (a finite network trained on
        // finite data), so the lower bound allows 0.035.
        Assert.InRange(result.Accuracy, bayes - 0.035, bayes + 0.02);
    }

    [Fact]
    public void Two_samples_of_one_distribution_are_indistinguishable()
    {
        var rng = new Rng(321);
        var result = C2st.Compute(Gaussian(2500, [1, -2, 0.5], rng), Gaussian(2500, [1, -2, 0.5], rng));
        output.WriteLine($"same distribution: {result.Accuracy:F4}");
        // Chance accuracy 0.5 with SE √(0.25/5000) ≈ 0.007 over the pooled test predictions; ±0.03 is > 4 SE.
        Assert.InRange(result.Accuracy, 0.47, 0.53);
        Assert.Equal(5, result.FoldAccuracies.Length);
        Assert.Equal(result.FoldAccuracies.Average(), result.Accuracy, 12);
    }

    /// <summary>
    /// 1,000 against 10,000 draws of one distribution, in both orders. Compared as given, a classifier that always
    /// answers the larger set would score 10,000/11,000 ≈ 0.909, which is what the C2ST of such sets was; compared at
    /// 1,000 against 1,000, chance is 0.5 with SE √(0.25/2,000) ≈ 0.011 over the pooled test predictions, so ±0.045
    /// is 4 SE, and 0.909 is far outside it.
    /// </summary>
    [Fact]
    public void Sets_of_different_sizes_are_compared_at_the_smaller_size()
    {
        var rng = new Rng(17);
        var small = Gaussian(1_000, [0.5, -1], rng);
        var large = Gaussian(10_000, [0.5, -1], rng);
        foreach (var (x, y) in new[] { (large, small), (small, large) })
        {
            var result = C2st.Compute(x, y);
            output.WriteLine($"{x.GetLength(0)} against {y.GetLength(0)}: {result.Accuracy:F4}");
            Assert.InRange(result.Accuracy, 0.455, 0.545);
            Assert.True(result.Subsampled);
            Assert.Equal((x.GetLength(0), y.GetLength(0), 1_000), (result.FirstRows, result.SecondRows, result.ComparedRows));
        }
    }

    /// <summary>The subsample is fixed by the seed; sets of equal size are compared whole.</summary>
    [Fact]
    public void The_subsample_is_seeded_and_equal_sizes_are_not_subsampled()
    {
        var rng = new Rng(8);
        var x = Gaussian(400, [0, 0], rng);
        var y = Gaussian(150, [0.4, 0], rng);
        Assert.Equal(C2st.Compute(x, y).FoldAccuracies, C2st.Compute(x, y).FoldAccuracies);
        var equal = C2st.Compute(x.SliceRows(0, 150), y);
        Assert.False(equal.Subsampled);
        Assert.Equal(150, equal.ComparedRows);
    }

    /// <summary>The sets are checked whole before subsampling, so a bad value in a row left out is still reported.</summary>
    [Fact]
    public void A_non_finite_value_is_reported_even_in_a_row_the_subsample_leaves_out()
    {
        var rng = new Rng(9);
        var x = Gaussian(10, [0, 0], rng);
        var y = Gaussian(100, [0, 0], rng);
        y[89, 0] = float.NaN;
        Assert.Contains("row 90, column 1", Assert.Throws<ArgumentException>(() => C2st.Compute(x, y)).Message);
    }

    [Fact]
    public void Fully_separated_sets_score_one_and_results_are_deterministic()
    {
        var rng = new Rng(5);
        var x = Gaussian(300, [0, 0], rng);
        var y = Gaussian(300, [20, 0], rng);
        var a = C2st.Compute(x, y);
        Assert.Equal(1.0, a.Accuracy);
        var options = new C2stOptions { Seed = 7 };
        Assert.Equal(C2st.Compute(x, Gaussian(300, [0.5, 0], new Rng(6)), options).FoldAccuracies,
            C2st.Compute(x, Gaussian(300, [0.5, 0], new Rng(6)), options).FoldAccuracies);
    }

    [Fact]
    public void Different_column_counts_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => C2st.Compute(new float[10, 2], new float[10, 3]));
        Assert.Contains("equal dimension", e.Message);
        Assert.Contains("2 columns", e.Message);
        Assert.Contains("3", e.Message);
    }

    [Fact]
    public void Non_finite_values_are_rejected_with_their_position()
    {
        var rng = new Rng(1);
        var x = Gaussian(10, [0, 0], rng);
        var y = Gaussian(10, [0, 0], rng);
        y[4, 1] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => C2st.Compute(x, y));
        Assert.Contains("second sample set", e.Message);
        Assert.Contains("row 5, column 2", e.Message); // 1-based, as in CSV files
        x[2, 0] = float.PositiveInfinity;
        Assert.Contains("first sample set", Assert.Throws<ArgumentException>(() => C2st.Compute(x, y)).Message);
    }

    [Fact]
    public void A_constant_column_is_rejected_when_z_scoring()
    {
        var rng = new Rng(2);
        var x = Gaussian(10, [0, 0, 0], rng);
        var y = Gaussian(10, [0, 0, 0], rng);
        for (int i = 0; i < 10; i++) x[i, 2] = 4f;
        var e = Assert.Throws<ArgumentException>(() => C2st.Compute(x, y));
        Assert.Contains("Column 3", e.Message);
        Assert.Contains("constant", e.Message);
    }

    [Fact]
    public void Too_few_rows_or_columns_and_bad_options_are_rejected()
    {
        Assert.Contains("at least 2 samples", Assert.Throws<ArgumentException>(() => C2st.Compute(new float[1, 2], new float[5, 2])).Message);
        Assert.Contains("at least one column", Assert.Throws<ArgumentException>(() => C2st.Compute(new float[5, 0], new float[5, 0])).Message);
        Assert.Contains("2 folds", Assert.Throws<ArgumentException>(() => C2st.Compute(new float[5, 1], new float[5, 1], new C2stOptions { Folds = 1 })).Message);
        Assert.Contains("batch size", Assert.Throws<ArgumentException>(() => new C2stOptions { BatchSize = 0 }.Validate()).Message);
    }

    [Fact]
    public void The_result_does_not_depend_on_the_thread_count()
    {
        // 2,002 rows: fold sizes differ by one, so some batches are padded; the grouping of folds into
        // batched networks is fixed, so 1, 2 or 5 worker threads must give identical fits.
        var rng = new Rng(7);
        var x = Gaussian(1_001, [0, 0], rng);
        var y = Gaussian(1_001, [0.3, 0], rng);
        var results = new[] { 1, 2, 5 }.Select(t => C2st.Compute(x, y, new C2stOptions { Threads = t, BatchSize = 100 })).ToArray();
        foreach (var r in results[1..])
        {
            Assert.Equal(results[0].FoldAccuracies, r.FoldAccuracies);
            Assert.Equal(results[0].FoldEpochs, r.FoldEpochs);
        }
    }
}
