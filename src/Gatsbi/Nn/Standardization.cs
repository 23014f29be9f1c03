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

    /// <summary>An identity standardisation (mean 0, std 1) of <paramref name="dimension"/> columns.</summary>
    public Standardization(long dimension) : base(nameof(Standardization))
    {
        mean = zeros(dimension);
        std = ones(dimension);
        RegisterComponents();
    }

    /// <summary>The per-column means, a buffer of shape (dimension) owned by the module.</summary>
    public Tensor Mean => mean;

    /// <summary>The per-column standard deviations, a buffer of shape (dimension) owned by the module; always positive.</summary>
    public Tensor Std => std;

    /// <summary>
    /// Sets mean and std (sample standard deviation, N − 1) from the columns of <paramref name="values"/>
    /// (rows × dimension); columns whose std is at most 10⁻⁸ get std 1.
    /// </summary>
    public void Fit(Tensor values)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var s = values.std(0);
        mean.copy_(values.mean([0]));
        std.copy_(where(s.gt(TorchScalars.Of(1e-8)), s, ones_like(s)));
    }

    /// <summary>(v − mean) / std per column, for values of shape (rows, dimension); a new tensor.</summary>
    public override Tensor forward(Tensor values) => values.Minus(mean).div_(std);

    /// <summary>The inverse map, z · std + mean per column; a new tensor.</summary>
    public Tensor Inverse(Tensor standardized) => (standardized * std).PlusInPlace(mean);
}
