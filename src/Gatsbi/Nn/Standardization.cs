using TorchSharp;
using static TorchSharp.torch;

namespace Gatsbi.Nn;

/// <summary>
/// Per-column affine map (v − mean) / std held as module buffers, so that it is saved with the network.
/// Identity (mean 0, std 1) unless fitted; the published configuration trains on raw values.
/// </summary>
public sealed class Standardization : nn.Module<Tensor, Tensor>
{
    private readonly Tensor mean;
    private readonly Tensor std;

    public Standardization(long dimension) : base(nameof(Standardization))
    {
        mean = zeros(dimension);
        std = ones(dimension);
        RegisterComponents();
    }

    public Tensor Mean => mean;
    public Tensor Std => std;

    /// <summary>Sets mean and std from the columns of <paramref name="values"/>; near-constant columns keep std 1.</summary>
    public void Fit(Tensor values)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var s = values.std(0);
        mean.copy_(values.mean([0]));
        std.copy_(where(s.gt(TorchScalars.Of(1e-8)), s, ones_like(s)));
    }

    public override Tensor forward(Tensor values) => values.Minus(mean).div_(std);

    public Tensor Inverse(Tensor standardized) => (standardized * std).PlusInPlace(mean);
}
