using Gatsbi.Inference.Gatsbi;
using Gatsbi.Inference.Gatsbi.Sequential;
using Gatsbi.Randomness;
using Gatsbi.Tests.Core;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Gatsbi.Tests.Inference;

/// <summary>The building blocks of sequential GATSBI's corrections: weighted losses and classifier density ratios.</summary>
[Collection(TorchCollection.Name)]
public sealed class SequentialCorrectionTests(ITestOutputHelper output) : TorchTest
{
    private const double Eps = GatsbiLoss.LogEpsilon;

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    /// <summary>Two samples by hand: L_D = mean_i [−a_i log(σ(r_i) + ε) − b_i log(1 − σ(f_i) + ε)], L_G = mean_i b_i log(1 − σ(f_i) + ε).</summary>
    [Fact]
    public void Weighted_losses_match_a_hand_computation_per_sample()
    {
        double[] r = [0.3, -1.2], f = [1.1, -0.4], a = [2.0, 0.5], b = [0.25, 3.0];
        using var scope = NewDisposeScope();
        // Logits shaped (B, 1) as the discriminator returns them; weights shaped (B).
        var real = tensor(r.Select(v => (float)v).ToArray()).unsqueeze(1);
        var fake = tensor(f.Select(v => (float)v).ToArray()).unsqueeze(1);
        var realWeights = tensor(a.Select(v => (float)v).ToArray());
        var fakeWeights = tensor(b.Select(v => (float)v).ToArray());
        double expectedD = Enumerable.Range(0, 2).Average(i => -a[i] * Math.Log(Sigmoid(r[i]) + Eps) - b[i] * Math.Log(1 - Sigmoid(f[i]) + Eps));
        double expectedG = Enumerable.Range(0, 2).Average(i => b[i] * Math.Log(1 - Sigmoid(f[i]) + Eps));
        Assert.Equal(expectedD, GatsbiLoss.WeightedDiscriminator(real, fake, realWeights, fakeWeights).item<float>(), 5);
        Assert.Equal(expectedG, GatsbiLoss.WeightedGenerator(GatsbiLossKind.CrossEntropy, fake, fakeWeights).item<float>(), 5);

        // The reference implementation's broadcast replaced each weight by the batch mean; per-sample weights differ from that here.
        double batchMean = Enumerable.Range(0, 2).Average(i => -a.Average() * Math.Log(Sigmoid(r[i]) + Eps) - b.Average() * Math.Log(1 - Sigmoid(f[i]) + Eps));
        Assert.True(Math.Abs(expectedD - batchMean) > 0.1);
    }

    [Fact]
    public void Unit_weights_give_the_published_cross_entropy_losses()
    {
        using var scope = NewDisposeScope();
        var real = tensor(new[] { 0.5f, -2f, 1f }).unsqueeze(1);
        var fake = tensor(new[] { -0.7f, 0.2f, 3f }).unsqueeze(1);
        var ones3 = ones(3);
        Assert.Equal(GatsbiLoss.Discriminator(GatsbiLossKind.CrossEntropy, real, fake).item<float>(),
            GatsbiLoss.WeightedDiscriminator(real, fake, ones3, null).item<float>(), 6);
        Assert.Equal(GatsbiLoss.Generator(GatsbiLossKind.CrossEntropy, fake).item<float>(), GatsbiLoss.WeightedGenerator(GatsbiLossKind.CrossEntropy, fake, ones3).item<float>(), 6);
        Assert.Throws<ArgumentException>(() => GatsbiLoss.WeightedGenerator(GatsbiLossKind.CrossEntropy, fake, ones(2)));
    }

    /// <summary>
    /// Class 0 ~ N(0, 1), class 1 ~ N(1, 1), equal sizes: the class-1 odds estimate p₁/p₀ = exp(v − ½). At
    /// points inside the bulk of both samples the log-odds lie within 0.3 of the truth (a classifier on 4,000
    /// samples per class resolves the log-ratio to about 0.1 there; 0.3 leaves room for the MLP's fit), and
    /// class-0 odds are the reciprocal of class-1 odds up to the smoothing.
    /// </summary>
    [Fact]
    public void Classifier_odds_recover_the_density_ratio_of_two_Gaussians()
    {
        var rng = new Rng(3);
        var class0 = new float[4_000, 1];
        var class1 = new float[4_000, 1];
        for (int i = 0; i < 4_000; i++)
        {
            class0[i, 0] = (float)rng.Normal();
            class1[i, 0] = (float)rng.Normal(1, 1);
        }
        using var classifier = DensityRatioClassifier.Train(class0, class1, seed: 5, new DensityRatioOptions { HiddenUnits = [32, 32], MaxEpochs = 60 });
        float[] points = [-1f, 0f, 0.5f, 1f, 2f];
        var grid = new float[points.Length, 1];
        for (int i = 0; i < points.Length; i++) grid[i, 0] = points[i];
        var odds1 = classifier.Odds(grid, 1);
        var odds0 = classifier.Odds(grid, 0);
        for (int i = 0; i < points.Length; i++)
        {
            double truth = points[i] - 0.5;
            output.WriteLine($"v = {points[i]}: log odds {Math.Log(odds1[i]):F3}, truth {truth:F3}");
            Assert.True(Math.Abs(Math.Log(odds1[i]) - truth) < 0.3, $"at v = {points[i]}: log odds {Math.Log(odds1[i]):F3}, truth {truth:F3}");
            Assert.Equal(1.0, odds0[i] * odds1[i], 2);
        }
        output.WriteLine($"{classifier.Epochs} epochs");
    }

    /// <summary>
    /// Two samples of the same N(0, I) in 2-D: the true odds are 1 everywhere. Stopping on the training loss lets
    /// the network learn the samples' noise, so its odds at the training points stray from 1; the validation
    /// split stops it before that. Mean |log odds| with validation must stay under 0.15 (a network that learnt
    /// nothing would be at 0; 400 points per class leave a little noise to fit) and below the overfitted one.
    /// </summary>
    [Fact]
    public void Validation_stopping_keeps_the_odds_of_identical_samples_near_one()
    {
        var rng = new Rng(21);
        var a = new float[400, 2];
        var b = new float[400, 2];
        for (int i = 0; i < 400; i++)
            for (int j = 0; j < 2; j++) (a[i, j], b[i, j]) = ((float)rng.Normal(), (float)rng.Normal());
        double MeanAbsLogOdds(double validation)
        {
            using var classifier = DensityRatioClassifier.Train(a, b, seed: 22, new DensityRatioOptions { ValidationFraction = validation, MaxEpochs = 300 });
            return classifier.Odds(a, 1).Concat(classifier.Odds(b, 1)).Average(o => Math.Abs(Math.Log(o)));
        }
        double stopped = MeanAbsLogOdds(0.1), overfitted = MeanAbsLogOdds(0);
        output.WriteLine($"mean |log odds|: validation stopping {stopped:F3}, training-loss stopping {overfitted:F3}");
        Assert.True(stopped < 0.15, $"mean |log odds| {stopped:F3} with validation stopping");
        Assert.True(stopped < overfitted, $"validation stopping {stopped:F3} is not below training-loss stopping {overfitted:F3}");
    }

    /// <summary>impwts multiplies θ's class-0 odds with x's class-1 odds; invimpwts the other two. With θ ≡ x the two are reciprocal.</summary>
    [Fact]
    public void Correction_weights_combine_the_right_odds()
    {
        var rng = new Rng(8);
        var prior = new float[1_000, 1];
        var proposal = new float[1_000, 1];
        for (int i = 0; i < 1_000; i++)
        {
            prior[i, 0] = (float)rng.Normal();
            proposal[i, 0] = (float)rng.Normal(0.5, 0.5);
        }
        var options = new DensityRatioOptions { HiddenUnits = [16], MaxEpochs = 20 };
        using var correction = new ImportanceCorrection(
            DensityRatioClassifier.Train(prior, proposal, 1, options), DensityRatioClassifier.Train(prior, proposal, 2, options));
        var theta = new float[,] { { 0.5f }, { 2.5f } };
        var x = new float[,] { { 0.4f }, { -1f } };
        var w = correction.Weights(theta, x);
        var inverse = correction.InverseWeights(theta, x);
        var thetaOdds0 = correction.Theta.Odds(theta, 0);
        var xOdds1 = correction.X.Odds(x, 1);
        for (int i = 0; i < 2; i++) Assert.Equal(thetaOdds0[i] * xOdds1[i], w[i], 12);
        for (int i = 0; i < 2; i++) Assert.Equal(1.0, w[i] * inverse[i], 2);
        // θ = 2.5 is far in the prior's tail but further in the proposal's: the prior-to-proposal ratio there is large.
        Assert.True(thetaOdds0[1] > thetaOdds0[0]);
        Assert.Throws<ArgumentException>(() => correction.Weights(theta, new float[,] { { 0f } }));
    }
}
