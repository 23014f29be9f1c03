using Gatsbi.Nn;
using Gatsbi.Tests.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatsbi.Tests.Nn;

[Collection(TorchCollection.Name)]
public sealed class SpectralNormLinearTests : TorchTest
{
    private static double[,] ToArray2D(Tensor t)
    {
        var values = t.detach().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
        int rows = (int)t.shape[0], cols = (int)t.shape[1];
        var a = new double[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                a[i, j] = values[i * cols + j];
        return a;
    }

    private static Tensor Buffer(nn.Module module, string name) =>
        module.named_buffers().Single(b => b.name == name).buffer;

    [Fact]
    public void Power_iteration_converges_to_the_largest_singular_value()
    {
        manual_seed(1);
        using var layer = new SpectralNormLinear(12, 8);
        layer.train();
        double expected = LinearAlgebra.LargestSingularValue(ToArray2D(layer.RawWeight));
        using var x = randn(4, 12);
        for (int i = 0; i < 200; i++)
        {
            using var y = layer.forward(x);
        }
        // float32 power iteration: relative accuracy ~1e-6; 1e-4 leaves room for rounding.
        Assert.Equal(1.0, layer.SigmaEstimate() / expected, 4);
    }

    [Fact]
    public void Power_iteration_converges_for_a_weight_with_a_known_spectrum()
    {
        manual_seed(2);
        using var layer = new SpectralNormLinear(3, 3);
        using (no_grad())
        {
            // Singular values 2.5, 1, 0.5: the gap makes the iteration converge fast.
            using var w = tensor(new float[] { 2.5f, 0, 0, 0, -1f, 0, 0, 0, 0.5f }, [3, 3]);
            layer.RawWeight.copy_(w);
        }
        using var x = randn(2, 3);
        for (int i = 0; i < 50; i++)
        {
            using var y = layer.forward(x);
        }
        Assert.Equal(2.5, layer.SigmaEstimate(), 4);
    }

    [Fact]
    public void Eval_mode_leaves_u_and_v_unchanged_while_training_mode_updates_them()
    {
        manual_seed(3);
        using var layer = new SpectralNormLinear(6, 5);
        using var x = randn(3, 6);
        using var u0 = Buffer(layer, "weight_u").clone();
        using var v0 = Buffer(layer, "weight_v").clone();
        float sigma0 = layer.SigmaEstimate();

        layer.eval();
        for (int i = 0; i < 5; i++)
        {
            using var y = layer.forward(x);
        }
        Assert.True(TensorValues.Identical(Buffer(layer, "weight_u"), u0));
        Assert.True(TensorValues.Identical(Buffer(layer, "weight_v"), v0));
        Assert.Equal(sigma0, layer.SigmaEstimate());

        layer.train();
        using (var y = layer.forward(x)) { }
        Assert.False(TensorValues.Identical(Buffer(layer, "weight_u"), u0));
        Assert.False(TensorValues.Identical(Buffer(layer, "weight_v"), v0));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Output_is_the_linear_map_with_the_weight_divided_by_sigma(bool training)
    {
        manual_seed(4);
        using var layer = new SpectralNormLinear(5, 4);
        layer.train(training);
        using var x = randn(7, 5);
        using var y = layer.forward(x);
        // The σ used is uᵀWv with the vectors as they are after this call (updated first in training mode).
        float sigma = layer.SigmaEstimate();
        var bias = layer.named_parameters().Single(p => p.name == "bias").parameter;
        using var expected = nn.functional.linear(x, layer.RawWeight / sigma, bias);
        Assert.Equal(new long[] { 7, 4 }, y.shape);
        Assert.True(y.allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Gradient_reaches_the_raw_weight_and_bias_only()
    {
        manual_seed(5);
        using var layer = new SpectralNormLinear(3, 2);
        using var x = randn(4, 3);
        using var y = layer.forward(x);
        using var loss = y.sum();
        loss.backward();
        Assert.Equal(new[] { "bias", "weight_orig" }, layer.named_parameters().Select(p => p.name).Order(StringComparer.Ordinal));
        Assert.All(layer.parameters(), p => Assert.NotNull(p.grad));
        Assert.Equal(new[] { "weight_u", "weight_v" }, layer.named_buffers().Select(b => b.name).Order(StringComparer.Ordinal));
        Assert.All(layer.named_buffers(), b => Assert.False(b.buffer.requires_grad));
    }
}
