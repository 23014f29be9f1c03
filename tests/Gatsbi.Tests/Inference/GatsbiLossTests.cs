using Gatsbi.Inference.Gatsbi;
using Gatsbi.Tests.Core;
using static TorchSharp.torch;

namespace Gatsbi.Tests.Inference;

[Collection(TorchCollection.Name)]
public sealed class GatsbiLossTests : TorchTest
{
    private const double Eps = 1e-8;

    private static double Sigmoid(double l) => 1 / (1 + Math.Exp(-l));

    private static double Value(Tensor t) => t.item<float>();

    [Fact]
    public void At_D_equal_one_half_the_losses_take_their_textbook_values()
    {
        using var zeros4 = zeros(4, 1);
        // With D ≡ 0.5 the original's cross-entropy (gatsbi/utils/loss_funcns.py in github.com/mackelab/gatsbi) gives
        // L_D = 2 ln 2 and the saturating L_G = ln 0.5.
        using (var d = GatsbiLoss.Discriminator(GatsbiLossKind.CrossEntropy, zeros4, zeros4)) Assert.Equal(2 * Math.Log(2), Value(d), 5);
        using (var g = GatsbiLoss.Generator(GatsbiLossKind.CrossEntropy, zeros4)) Assert.Equal(Math.Log(0.5), Value(g), 5);
        using (var g = GatsbiLoss.Generator(GatsbiLossKind.NonSaturating, zeros4)) Assert.Equal(-Math.Log(0.5), Value(g), 5);
        using (var g = GatsbiLoss.Generator(GatsbiLossKind.KlDiv, zeros4)) Assert.Equal(0.0, Value(g), 6);
        using (var d = GatsbiLoss.Discriminator(GatsbiLossKind.NonSaturating, zeros4, zeros4)) Assert.Equal(2 * Math.Log(2), Value(d), 5);
        using (var d = GatsbiLoss.Discriminator(GatsbiLossKind.KlDiv, zeros4, zeros4)) Assert.Equal(2 * Math.Log(2), Value(d), 5);
        using (var d = GatsbiLoss.Discriminator(GatsbiLossKind.Wasserstein, zeros4, zeros4)) Assert.Equal(0.0, Value(d), 6);
        using (var g = GatsbiLoss.Generator(GatsbiLossKind.Wasserstein, zeros4)) Assert.Equal(0.5, Value(g), 6);
    }

    [Fact]
    public void Losses_match_hand_computed_values_for_other_logits()
    {
        double[] real = [2.0, -1.0, 0.5];
        double[] fake = [-3.0, 1.5, 0.0];
        using var realT = tensor(real.Select(v => (float)v).ToArray()).reshape(3, 1);
        using var fakeT = tensor(fake.Select(v => (float)v).ToArray()).reshape(3, 1);
        var dr = real.Select(Sigmoid).ToArray();
        var df = fake.Select(Sigmoid).ToArray();

        // The original's definitions (gatsbi/utils/loss_funcns.py; the non-saturating −log D is ours), with ε = 1e-8
        // inside every log and means over all elements.
        double crossEntropyD = -dr.Average(d => Math.Log(d + Eps)) - df.Average(d => Math.Log(1 - d + Eps));
        double crossEntropyG = df.Average(d => Math.Log(1 - d + Eps));
        double nonSaturatingG = -df.Average(d => Math.Log(d + Eps));
        double klG = df.Average(d => Math.Log(1 - d + Eps) - Math.Log(d + Eps));
        double wassersteinD = dr.Average() - df.Average();
        double wassersteinG = df.Average();

        using (var t = GatsbiLoss.Discriminator(GatsbiLossKind.CrossEntropy, realT, fakeT)) Assert.Equal(crossEntropyD, Value(t), 5);
        using (var t = GatsbiLoss.Generator(GatsbiLossKind.CrossEntropy, fakeT)) Assert.Equal(crossEntropyG, Value(t), 5);
        using (var t = GatsbiLoss.Generator(GatsbiLossKind.NonSaturating, fakeT)) Assert.Equal(nonSaturatingG, Value(t), 5);
        using (var t = GatsbiLoss.Generator(GatsbiLossKind.KlDiv, fakeT)) Assert.Equal(klG, Value(t), 5);
        using (var t = GatsbiLoss.Discriminator(GatsbiLossKind.Wasserstein, realT, fakeT)) Assert.Equal(wassersteinD, Value(t), 5);
        using (var t = GatsbiLoss.Generator(GatsbiLossKind.Wasserstein, fakeT)) Assert.Equal(wassersteinG, Value(t), 5);

        // The logit-based losses.
        double hingeD = real.Average(r => Math.Max(0, 1 - r)) + fake.Average(f => Math.Max(0, 1 + f));
        double leastSquaresD = 0.5 * real.Average(r => (r - 1) * (r - 1)) + 0.5 * fake.Average(f => f * f);
        double leastSquaresG = 0.5 * fake.Average(f => (f - 1) * (f - 1));
        double criticD = fake.Average() - real.Average();
        using (var t = GatsbiLoss.Discriminator(GatsbiLossKind.Hinge, realT, fakeT)) Assert.Equal(hingeD, Value(t), 5);
        using (var t = GatsbiLoss.Generator(GatsbiLossKind.Hinge, fakeT)) Assert.Equal(-fake.Average(), Value(t), 5);
        using (var t = GatsbiLoss.Discriminator(GatsbiLossKind.LeastSquares, realT, fakeT)) Assert.Equal(leastSquaresD, Value(t), 5);
        using (var t = GatsbiLoss.Generator(GatsbiLossKind.LeastSquares, fakeT)) Assert.Equal(leastSquaresG, Value(t), 5);
        using (var t = GatsbiLoss.Discriminator(GatsbiLossKind.WassersteinGp, realT, fakeT)) Assert.Equal(criticD, Value(t), 5);
        using (var t = GatsbiLoss.Generator(GatsbiLossKind.WassersteinGp, fakeT)) Assert.Equal(-fake.Average(), Value(t), 5);
    }

    [Fact]
    public void Real_and_fake_batches_of_different_sizes_are_averaged_separately()
    {
        using var real = tensor(new[] { 1f }).reshape(1, 1);
        using var fake = tensor(new[] { -1f, -2f, -3f }).reshape(3, 1);
        double expected = -Math.Log(Sigmoid(1) + Eps) - new[] { -1.0, -2.0, -3.0 }.Average(l => Math.Log(1 - Sigmoid(l) + Eps));
        using var loss = GatsbiLoss.Discriminator(GatsbiLossKind.CrossEntropy, real, fake);
        Assert.Equal(expected, Value(loss), 5);
    }

    [Fact]
    public void The_log_epsilon_keeps_saturated_losses_finite()
    {
        using var certain = full(2, 1, 100f);
        using var g = GatsbiLoss.Generator(GatsbiLossKind.CrossEntropy, certain);
        using var d = GatsbiLoss.Discriminator(GatsbiLossKind.CrossEntropy, -certain, certain);
        // log(1 − 1 + 1e-8) = −18.42: finite, as in the reference implementation.
        Assert.Equal(Math.Log(Eps), Value(g), 3);
        Assert.Equal(-2 * Math.Log(Eps), Value(d), 2);
    }

    [Fact]
    public void Generator_loss_gradients_point_the_documented_way()
    {
        // Minimising L_G must push D(fake) up for every kind but Wasserstein (which pushes d_fake down).
        foreach (var kind in Enum.GetValues<GatsbiLossKind>())
        {
            using var logits = zeros(3, 1).requires_grad_(true);
            using var loss = GatsbiLoss.Generator(kind, logits);
            loss.backward();
            float grad = logits.grad!.sum().item<float>();
            if (kind == GatsbiLossKind.Wasserstein) Assert.True(grad > 0, $"{kind}: {grad}");
            else Assert.True(grad < 0, $"{kind}: {grad}");
        }
    }
}
