using Gatsbi.Nn;
using Gatsbi.Tests.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatsbi.Tests.Nn;

[Collection(TorchCollection.Name)]
public sealed class AddNoiseTests : TorchTest
{
    private static float[] Values(Tensor t) => t.detach().contiguous().data<float>().ToArray();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_zero_weight_makes_the_layer_the_identity(bool heteroscedastic)
    {
        manual_seed(1);
        using var layer = new AddNoise(4, 3, heteroscedastic);
        using (no_grad()) layer.Weight.zero_();
        using var h = randn(6, 4);
        using var y = layer.forward(h);
        Assert.Equal(Values(h), Values(y));
    }

    [Fact]
    public void Weight_is_width_by_latent_and_starts_standard_normal()
    {
        manual_seed(2);
        using var layer = new AddNoise(128, 40);
        Assert.Equal(new long[] { 128, 40 }, layer.Weight.shape);
        Assert.Equal(128, layer.Width);
        Assert.Equal(40, layer.LatentDimension);
        var w = Values(layer.Weight).Select(v => (double)v).ToArray();
        // 5120 N(0, 1) values: SE(mean) ≈ 0.014, SE(var) ≈ 0.02; 5 SE bounds.
        Assert.InRange(Stats.Mean(w), -0.07, 0.07);
        Assert.InRange(Stats.Variance(w), 0.9, 1.1);
    }

    [Fact]
    public void Heteroscedastic_output_variance_at_h_equal_1_is_the_row_sum_of_squared_weights()
    {
        manual_seed(3);
        const int n = 200_000;
        using var layer = new AddNoise(4, 3, heteroscedastic: true);
        using var h = ones(n, 4);
        using var y = layer.forward(h);
        var w = Values(layer.Weight);
        var values = Values(y);
        for (int k = 0; k < 4; k++)
        {
            double expectedVar = 0;
            for (int j = 0; j < 3; j++) expectedVar += w[k * 3 + j] * w[k * 3 + j];
            var column = Enumerable.Range(0, n).Select(i => (double)values[i * 4 + k]).ToArray();
            // y_k = 1 + Σ_j W_kj z_j is normal: SE(mean) = σ/√n, SE(sample variance) = σ²·√(2/(n−1)); 5 SE bounds.
            double seMean = Math.Sqrt(expectedVar / n), seVar = expectedVar * Math.Sqrt(2.0 / (n - 1));
            Assert.InRange(Stats.Mean(column), 1 - 5 * seMean, 1 + 5 * seMean);
            Assert.InRange(Stats.Variance(column), expectedVar - 5 * seVar, expectedVar + 5 * seVar);
        }
    }

    [Fact]
    public void Homoscedastic_output_variance_does_not_depend_on_h()
    {
        manual_seed(4);
        const int n = 200_000;
        using var layer = new AddNoise(2, 3, heteroscedastic: false);
        using var h = full(n, 2, 5f);
        using var y = layer.forward(h);
        var w = Values(layer.Weight);
        var values = Values(y);
        for (int k = 0; k < 2; k++)
        {
            double expectedVar = w[k * 3] * w[k * 3] + w[k * 3 + 1] * w[k * 3 + 1] + w[k * 3 + 2] * w[k * 3 + 2];
            var column = Enumerable.Range(0, n).Select(i => (double)values[i * 2 + k]).ToArray();
            // y_k = 5 + Σ_j W_kj z_j: same standard errors as above.
            double seMean = Math.Sqrt(expectedVar / n), seVar = expectedVar * Math.Sqrt(2.0 / (n - 1));
            Assert.InRange(Stats.Mean(column), 5 - 5 * seMean, 5 + 5 * seMean);
            Assert.InRange(Stats.Variance(column), expectedVar - 5 * seVar, expectedVar + 5 * seVar);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_explicit_latent_gives_the_documented_formula_deterministically(bool heteroscedastic)
    {
        manual_seed(5);
        using var layer = new AddNoise(3, 2, heteroscedastic);
        using var h = randn(4, 3);
        using var z = randn(4, 2);
        using var y1 = layer.Forward(h, z);
        using var y2 = layer.Forward(h, z);
        Assert.Equal(Values(y1), Values(y2));

        var hv = Values(h);
        var zv = Values(z);
        var w = Values(layer.Weight);
        var got = Values(y1);
        for (int b = 0; b < 4; b++)
            for (int k = 0; k < 3; k++)
            {
                double wz = w[k * 2] * (double)zv[b * 2] + w[k * 2 + 1] * (double)zv[b * 2 + 1];
                double expected = heteroscedastic ? hv[b * 3 + k] * (1 + wz) : hv[b * 3 + k] + wz;
                Assert.Equal(expected, got[b * 3 + k], 5);
            }

        // Without z, each call draws a fresh latent.
        using var r1 = layer.forward(h);
        using var r2 = layer.forward(h);
        Assert.NotEqual(Values(r1), Values(r2));
    }

    [Fact]
    public void Inputs_of_rank_three_get_one_latent_per_leading_index()
    {
        manual_seed(6);
        using var layer = new AddNoise(3, 2);
        using var h = ones(2, 5, 3);
        using var y = layer.forward(h);
        Assert.Equal(new long[] { 2, 5, 3 }, y.shape);
        var v = Values(y);
        // Ten leading positions, ten different noise draws.
        Assert.Equal(10, Enumerable.Range(0, 10).Select(i => v[i * 3]).Distinct().Count());
    }

    [Fact]
    public void Wrong_shapes_are_rejected()
    {
        using var layer = new AddNoise(3, 2);
        using var h = ones(4, 5);
        var e = Assert.Throws<ArgumentException>(() => layer.forward(h));
        Assert.Contains("width 3", e.Message);
        using var good = ones(4, 3);
        using var z = ones(4, 3);
        Assert.Throws<ArgumentException>(() => layer.Forward(good, z));
        using var zRows = ones(3, 2);
        Assert.Throws<ArgumentException>(() => layer.Forward(good, zRows));
    }
}
