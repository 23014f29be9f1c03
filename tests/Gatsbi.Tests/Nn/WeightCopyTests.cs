using Gatsbi.Nn;
using Gatsbi.Tests.Core;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatsbi.Tests.Nn;

[Collection(TorchCollection.Name)]
public sealed class WeightCopyTests : TorchTest
{
    private static Parameter[] Params(params float[] values) => values.Select(v => new Parameter(tensor(new[] { v }))).ToArray();

    private static float[] Values(IEnumerable<Parameter> ps) => ps.Select(p => p.item<float>()).ToArray();

    [Fact]
    public void The_moving_average_follows_its_recurrence_and_leaves_the_parameters_alone()
    {
        var p = Params(0f, 10f);
        using var average = new WeightCopy(p);
        using (no_grad()) { p[0].fill_(4f); p[1].fill_(2f); }
        average.Average(p, decay: 0.75);
        average.Average(p, decay: 0.75);
        // a₁ = 0.75·0 + 0.25·4 = 1, a₂ = 0.75·1 + 0.25·4 = 1.75; and 10 → 8 → 6.5.
        var target = Params(0f, 0f);
        average.CopyTo(target);
        Assert.Equal(new[] { 1.75f, 6.5f }, Values(target));
        Assert.Equal(new[] { 4f, 2f }, Values(p));
    }

    /// <summary>An unrolled discriminator's committed state includes its buffers (spectral-norm vectors), which are plain tensors.</summary>
    [Fact]
    public void Buffers_are_restored_with_the_parameters()
    {
        manual_seed(2);
        using var layer = new SpectralNormLinear(3, 4);
        Tensor[] state = [.. layer.parameters(), .. layer.buffers()];
        Assert.True(layer.buffers().Any());
        var before = state.Select(TensorValues.Floats).ToArray();
        using var committed = new WeightCopy(state);
        using (no_grad())
        {
            layer.train();
            layer.forward(randn(5, 3)); // a training-mode call advances the power iteration (buffers change)
            foreach (var p in layer.parameters()) p.add_(ones_like(p));
        }
        Assert.NotEqual(before, state.Select(TensorValues.Floats).ToArray());
        committed.CopyTo(state);
        Assert.Equal(before, state.Select(TensorValues.Floats).ToArray());
    }

    [Fact]
    public void Swap_exchanges_and_a_second_swap_restores()
    {
        var p = Params(1f, 2f);
        using var copy = new WeightCopy(Params(7f, 8f));
        copy.Swap(p);
        Assert.Equal(new[] { 7f, 8f }, Values(p));
        copy.Swap(p);
        Assert.Equal(new[] { 1f, 2f }, Values(p));
        copy.CopyFrom(Params(5f, 6f));
        copy.CopyTo(p);
        Assert.Equal(new[] { 5f, 6f }, Values(p));
    }

    [Fact]
    public void A_copy_made_inside_a_dispose_scope_outlives_it()
    {
        var p = Params(3f);
        WeightCopy copy;
        using (NewDisposeScope()) copy = new WeightCopy(p);
        using (copy)
        {
            var target = Params(0f);
            copy.CopyTo(target);
            Assert.Equal(new[] { 3f }, Values(target));
        }
    }
}
