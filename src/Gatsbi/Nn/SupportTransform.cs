using Gatsbi.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatsbi.Nn;

/// <summary>
/// A bijection from ℝ^d onto the inside of a prior's support, column by column: a scaled logistic
/// θ = low + (high − low)·σ(u) where both bounds are finite, θ = low + exp(u) where only the lower one is,
/// θ = high − exp(−u) where only the upper one is, and the identity on unbounded columns. Training the
/// networks on u instead of θ lets a generator put mass right against a bound (as many posteriors do: a
/// correlation near ±1, a scale near its prior's edge) without being punished by the discriminator for
/// overshooting it, and every sample lands inside the support. The bounds are module buffers, so they are
/// saved with the generator.
/// </summary>
public sealed class SupportTransform : nn.Module<Tensor, Tensor>
{
    // Where a column has no such bound the buffers hold a harmless 0 (or width 1), and the masks select
    // another formula: every branch stays finite, so no NaN reaches a gradient through torch.where.
    private readonly Tensor low;
    private readonly Tensor high;
    private readonly Tensor width;
    private readonly Tensor both;
    private readonly Tensor low_only;
    private readonly Tensor high_only;

    /// <summary>Exponents are clamped here: exp(±80) is still finite in float32.</summary>
    private const double ExpLimit = 80;

    /// <summary>A transform on <paramref name="dimension"/> columns, the identity until <see cref="Fit"/> sets the bounds.</summary>
    public SupportTransform(long dimension) : base(nameof(SupportTransform))
    {
        low = zeros(dimension);
        high = zeros(dimension);
        width = ones(dimension);
        both = zeros(dimension, dtype: ScalarType.Bool);
        low_only = zeros(dimension, dtype: ScalarType.Bool);
        high_only = zeros(dimension, dtype: ScalarType.Bool);
        RegisterComponents();
    }

    /// <summary>Whether any column is bounded (else the transform is the identity).</summary>
    public static bool Applies(Support? support) =>
        support is not null && Enumerable.Range(0, support.Dimension).Any(j => float.IsFinite(support.Low[j]) || float.IsFinite(support.High[j]));

    /// <summary>Sets the bounds from <paramref name="support"/>.</summary>
    /// <exception cref="ArgumentException">The support's dimension differs from the transform's.</exception>
    public void Fit(Support support)
    {
        if (support.Dimension != low.shape[0])
            throw new ArgumentException($"The support has dimension {support.Dimension}; the transform has {low.shape[0]}.");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var lo = support.Low.Select(v => float.IsFinite(v) ? v : 0f).ToArray();
        var hi = support.High.Select(v => float.IsFinite(v) ? v : 0f).ToArray();
        var hasLow = support.Low.Select(float.IsFinite).ToArray();
        var hasHigh = support.High.Select(float.IsFinite).ToArray();
        low.copy_(tensor(lo));
        high.copy_(tensor(hi));
        width.copy_(tensor(lo.Select((l, j) => hasLow[j] && hasHigh[j] ? hi[j] - l : 1f).ToArray()));
        both.copy_(tensor(hasLow.Select((l, j) => l && hasHigh[j]).ToArray()));
        low_only.copy_(tensor(hasLow.Select((l, j) => l && !hasHigh[j]).ToArray()));
        high_only.copy_(tensor(hasHigh.Select((h, j) => h && !hasLow[j]).ToArray()));
    }

    /// <summary>θ from u (rows × dimension), column by column; a new tensor, strictly inside the bounds up to float rounding.</summary>
    public override Tensor forward(Tensor u)
    {
        using var scope = NewDisposeScope();
        var clamped = u.clamp(TorchScalars.Of(-ExpLimit), TorchScalars.Of(ExpLimit));
        var boxed = low + width * sigmoid(u);
        var above = low + clamped.exp();
        var below = high - clamped.neg().exp();
        return where(both, boxed, where(low_only, above, where(high_only, below, u))).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// u from θ. Values on or beyond a bound (a simulation stored in float32 can sit exactly on one) are
    /// first pulled inside by a relative 1e-6 of the width, so that u stays finite.
    /// </summary>
    public Tensor Inverse(Tensor theta)
    {
        using var scope = NewDisposeScope();
        var margin = width.mul(TorchScalars.Of(1e-6));
        var p = ((theta - low) / width).clamp(TorchScalars.Of(1e-6), TorchScalars.Of(1 - 1e-6));
        var boxed = p.log() - p.neg().PlusInPlace(1.0).log();
        var above = maximum(theta - low, margin).log();
        var below = maximum(high - theta, margin).log().neg();
        return where(both, boxed, where(low_only, above, where(high_only, below, theta))).MoveToOuterDisposeScope();
    }
}
