using Gatsbi.Distributions;
using Gatsbi.Nn;
using Gatsbi.Tests.Core;
using static TorchSharp.torch;

namespace Gatsbi.Tests.Nn;

[Collection(TorchCollection.Name)]
public sealed class SupportTransformTests : TorchTest
{
    // Columns: a box, a lower bound only, an upper bound only, unbounded.
    private static readonly Support Mixed = new([-3f, 0f, float.NegativeInfinity, float.NegativeInfinity], [3f, float.PositiveInfinity, 5f, float.PositiveInfinity]);

    private static SupportTransform Fitted()
    {
        var t = new SupportTransform(4);
        t.Fit(Mixed);
        return t;
    }

    [Fact]
    public void Inverse_then_forward_returns_theta_in_every_kind_of_column()
    {
        using var t = Fitted();
        using var theta = tensor(new float[] { -2.9f, 0.001f, -7f, 12f, 0f, 4f, 4.99f, -0.5f, 2.5f, 100f, 0f, 3f }).reshape(3, 4);
        using var u = t.Inverse(theta);
        using var back = t.forward(u);
        var expected = theta.data<float>().ToArray();
        var actual = back.data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * (1 + Math.Abs(expected[i])), $"value {i}: {expected[i]} came back as {actual[i]}");
        // The unbounded column is left alone.
        Assert.Equal(theta[.., 3].data<float>().ToArray(), u[.., 3].data<float>().ToArray());
    }

    [Fact]
    public void Extreme_outputs_stay_in_the_support_with_finite_gradients()
    {
        using var t = Fitted();
        using var u = tensor(new float[] { -1e4f, -1e4f, -1e4f, -1e4f, 1e4f, 1e4f, 1e4f, 1e4f }).reshape(2, 4).requires_grad_(true);
        using var theta = t.forward(u);
        theta.sum().backward();
        var values = theta.data<float>().ToArray();
        Assert.All(values, v => Assert.True(float.IsFinite(v)));
        Assert.InRange(values[0], -3f, 3f);
        Assert.InRange(values[4], -3f, 3f);
        Assert.True(values[1] >= 0f && values[5] >= 0f, "lower-bounded column below its bound");
        Assert.True(values[2] <= 5f && values[6] <= 5f, "upper-bounded column above its bound");
        Assert.All(u.grad!.data<float>().ToArray(), g => Assert.True(float.IsFinite(g), $"gradient {g}"));
    }

    [Fact]
    public void Bounds_on_or_beyond_the_support_map_to_finite_values()
    {
        // float32 simulations can sit exactly on a bound; they must not become ±∞ in training.
        using var t = Fitted();
        using var theta = tensor(new float[] { -3f, 0f, 5f, 1f, 3f, -1f, 6f, 1f }).reshape(2, 4);
        using var u = t.Inverse(theta);
        Assert.All(u.data<float>().ToArray(), v => Assert.True(float.IsFinite(v), $"{v}"));
    }

    [Fact]
    public void It_applies_only_to_supports_with_a_finite_bound()
    {
        Assert.False(SupportTransform.Applies(null));
        Assert.False(SupportTransform.Applies(new Support([float.NegativeInfinity], [float.PositiveInfinity])));
        Assert.True(SupportTransform.Applies(Support.Box(2, -1f, 1f)));
        using var t = new SupportTransform(3);
        var e = Assert.Throws<ArgumentException>(() => t.Fit(Support.Box(2, 0f, 1f)));
        Assert.Contains("dimension 2", e.Message);
    }
}
