using Gatsbi.Inference.Gatsbi;
using Gatsbi.Nn;
using Gatsbi.Tests.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatsbi.Tests.Nn;

[Collection(TorchCollection.Name)]
public sealed class NetworkTests : TorchTest
{
    private static long Trainable(nn.Module module) => module.parameters().Sum(p => p.numel());

    private static readonly GeneratorSpec OptGenerator = new([128], NoiseAfterLayer: 1, LatentDimension: null, LeakyOutput: true);
    private static readonly DiscriminatorSpec OptDiscriminator = new([2048, 2048, 2048]);

    /// <summary>
    /// Parameter counts of the original networks (gatsbi/task_utils/benchmarks/make_networks.py with tasks/two_moons/defaults.yaml
    /// and tasks/slcp/defaults.yaml in github.com/mackelab/gatsbi).
    /// </summary>
    [Theory]
    [InlineData("two_moons", 2, 2, 50_434)]
    [InlineData("slcp", 5, 8, 51_973)]
    public void Paper_generator_has_the_published_parameter_count(string task, int parameterDimension, int dataDimension, long expected)
    {
        using var g = new ConditionalGenerator(dataDimension, parameterDimension, GatsbiOptions.Paper().Generator);
        Assert.True(expected == Trainable(g), $"{task}: {Trainable(g)} trainable parameters");
        // The standardisation buffers exist but are not trainable.
        Assert.Equal(2L * (parameterDimension + dataDimension), g.named_buffers().Sum(b => b.buffer.numel()));
    }

    [Theory]
    [InlineData("two_moons", 2, 2, 16_797_697)]
    [InlineData("slcp", 5, 8, 16_816_129)]
    public void Paper_discriminator_has_the_published_parameter_count(string task, int parameterDimension, int dataDimension, long expected)
    {
        using var d = new Discriminator(parameterDimension, dataDimension, GatsbiOptions.Paper().Discriminator);
        Assert.True(expected == Trainable(d), $"{task}: {Trainable(d)} trainable parameters");
        Assert.Contains(d.named_buffers(), b => b.name.EndsWith("weight_u", StringComparison.Ordinal));
    }

    [Fact]
    public void Optimised_two_moons_networks_have_the_published_parameter_counts()
    {
        using var g = new ConditionalGenerator(2, 2, OptGenerator);
        using var d = new Discriminator(2, 2, OptDiscriminator);
        Assert.Equal(898L, Trainable(g));
        Assert.Equal(8_404_993L, Trainable(d));
    }

    [Fact]
    public void Spectral_norm_adds_buffers_not_parameters()
    {
        using var sn = new Discriminator(2, 3, new DiscriminatorSpec([16, 8], SpectralNorm: true));
        using var plain = new Discriminator(2, 3, new DiscriminatorSpec([16, 8], SpectralNorm: false));
        long expected = (5 * 16 + 16) + (16 * 8 + 8) + (8 + 1);
        Assert.Equal(expected, Trainable(sn));
        Assert.Equal(expected, Trainable(plain));
        // u (out) and v (in) per layer, plus 2·(2 + 3) standardisation values.
        Assert.Equal((16 + 5) + (8 + 16) + (1 + 8) + 10, sn.named_buffers().Sum(b => b.buffer.numel()));
        Assert.Equal(10, plain.named_buffers().Sum(b => b.buffer.numel()));
    }

    [Fact]
    public void Generator_and_discriminator_output_shapes()
    {
        manual_seed(1);
        using var g = new ConditionalGenerator(3, 2, new GeneratorSpec([16, 16], NoiseAfterLayer: 2, LatentDimension: 5, LeakyOutput: false));
        using var d = new Discriminator(2, 3, new DiscriminatorSpec([16, 16]));
        using var x = randn(7, 3);
        using var theta = g.forward(x);
        Assert.Equal(new long[] { 7, 2 }, theta.shape);
        Assert.Equal(5, g.LatentDimension);
        using var z = randn(7, 5);
        using var thetaZ = g.Forward(x, z);
        Assert.Equal(new long[] { 7, 2 }, thetaZ.shape);
        using var logits = d.forward(theta, x);
        Assert.Equal(new long[] { 7, 1 }, logits.shape);
        Assert.Equal(2, g.ParameterDimension);
        Assert.Equal(3, g.DataDimension);
    }

    [Fact]
    public void Generator_latent_defaults_to_the_parameter_dimension_and_is_its_only_randomness()
    {
        manual_seed(2);
        using var g = new ConditionalGenerator(4, 3, new GeneratorSpec([8], NoiseAfterLayer: 1, LatentDimension: null, LeakyOutput: true));
        Assert.Equal(3, g.LatentDimension);
        using var x = randn(5, 4);
        using var z = randn(5, 3);
        using var a = g.Forward(x, z);
        using var b = g.Forward(x, z);
        using var c = g.forward(x);
        Assert.True(TensorValues.Identical(a, b));
        Assert.False(TensorValues.Identical(a, c));
    }

    [Fact]
    public void Leaky_output_shrinks_negative_outputs_tenfold()
    {
        manual_seed(3);
        var spec = new GeneratorSpec([8], NoiseAfterLayer: 1, LatentDimension: null, LeakyOutput: false);
        using var plain = new ConditionalGenerator(2, 2, spec);
        using var leaky = new ConditionalGenerator(2, 2, spec with { LeakyOutput = true });
        leaky.load_state_dict(plain.state_dict());
        using var x = randn(50, 2);
        using var z = randn(50, 2);
        using var raw = plain.Forward(x, z);
        using var shrunk = leaky.Forward(x, z);
        using var expected = nn.functional.leaky_relu(raw, 0.1);
        Assert.True(shrunk.allclose(expected, rtol: 1e-6, atol: 1e-7));
        Assert.True((raw < 0).any().item<bool>());
    }

    [Fact]
    public void Invalid_specs_are_rejected_with_a_reason()
    {
        Assert.Contains("at least one hidden layer", Assert.Throws<ArgumentException>(() => new GeneratorSpec([], 1, null, false).Validate()).Message);
        Assert.Contains("NoiseAfterLayer", Assert.Throws<ArgumentException>(() => new GeneratorSpec([8, 8], 3, null, false).Validate()).Message);
        Assert.Contains("NoiseAfterLayer", Assert.Throws<ArgumentException>(() => new GeneratorSpec([8], 0, null, false).Validate()).Message);
        Assert.Contains("LatentDimension", Assert.Throws<ArgumentException>(() => new GeneratorSpec([8], 1, 0, false).Validate()).Message);
        Assert.Contains("positive", Assert.Throws<ArgumentException>(() => new GeneratorSpec([8, -1], 1, null, false).Validate()).Message);
        Assert.Contains("at least one hidden layer", Assert.Throws<ArgumentException>(() => new DiscriminatorSpec([]).Validate()).Message);
        Assert.Contains("positive", Assert.Throws<ArgumentException>(() => new DiscriminatorSpec([0]).Validate()).Message);
    }
}

[Collection(TorchCollection.Name)]
public sealed class StandardizationTests : TorchTest
{
    [Fact]
    public void Starts_as_the_identity()
    {
        using var s = new Standardization(3);
        using var v = randn(5, 3);
        using var y = s.forward(v);
        Assert.True(TensorValues.Identical(y, v));
    }

    [Fact]
    public void Fit_uses_column_means_and_unbiased_stds_and_keeps_constant_columns_at_std_1()
    {
        var rows = new float[,] { { 1f, 10f, 7f }, { 2f, 30f, 7f }, { 6f, 20f, 7f }, { 3f, 0f, 7f } };
        using var values = tensor(rows);
        using var s = new Standardization(3);
        s.Fit(values);
        var mean = s.Mean.data<float>().ToArray();
        var std = s.Std.data<float>().ToArray();
        // Column 1: mean 3, unbiased variance (4 + 1 + 9 + 0)/3; column 2: mean 15, variance (25 + 225 + 25 + 225)/3.
        Assert.Equal(3.0, mean[0], 5);
        Assert.Equal(15.0, mean[1], 4);
        Assert.Equal(7.0, mean[2], 5);
        Assert.Equal(Math.Sqrt(14.0 / 3), std[0], 5);
        Assert.Equal(Math.Sqrt(500.0 / 3), std[1], 4);
        Assert.Equal(1.0, std[2]);

        using var standardized = s.forward(values);
        using var colMean = standardized.mean([0]);
        Assert.True(colMean.abs().max().item<float>() < 1e-5);
        using var back = s.Inverse(standardized);
        Assert.True(back.allclose(values, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void Fitted_values_are_buffers_saved_with_the_module()
    {
        using var s = new Standardization(2);
        using var values = tensor(new float[,] { { 0f, 1f }, { 2f, 5f } });
        s.Fit(values);
        Assert.Equal(new[] { "mean", "std" }, s.named_buffers().Select(b => b.name).Order(StringComparer.Ordinal));
        Assert.Empty(s.parameters());
        using var copy = new Standardization(2);
        copy.load_state_dict(s.state_dict());
        Assert.True(TensorValues.Identical(copy.Mean, s.Mean));
        Assert.True(TensorValues.Identical(copy.Std, s.Std));
    }
}
