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
        using var _ = no_grad();
        using var m = values.mean([0]);
        using var s = values.std(0);
        using var safe = where(s > 1e-8f, s, ones_like(s));
        mean.copy_(m);
        std.copy_(safe);
    }

    public override Tensor forward(Tensor values) => (values - mean) / std;

    public Tensor Inverse(Tensor standardized) => standardized * std + mean;
}
