using static TorchSharp.torch;

namespace Gatsbi.Nn.Flows;

/// <summary>
/// A rational-quadratic spline coupling layer: the coordinates of one parity are transformed by splines
/// whose knots a <see cref="ResidualNet"/> computes from the other coordinates and the context; the other
/// coordinates pass through. Block i of a flow transforms the even coordinates when i is even and the odd
/// ones otherwise (nflows' alternating mask), so consecutive blocks update every coordinate. With a single
/// coordinate it is transformed in every block, conditioned on the context alone.
/// </summary>
public sealed class SplineCoupling : FlowTransform
{
    private readonly Tensor transformed;
    private readonly Tensor identity;
    private readonly ResidualNet conditioner;
    private readonly int _bins;
    private readonly double _tailBound;
    private readonly double _sizeScale;

    /// <summary>A coupling layer over <paramref name="features"/> coordinates, conditioned on a context of <paramref name="contextFeatures"/> values.</summary>
    /// <param name="features">The number of coordinates of θ.</param>
    /// <param name="contextFeatures">Width of the context (the standardised x).</param>
    /// <param name="evenParity">Transform the even coordinates (0, 2, …) rather than the odd ones; ignored for a single coordinate.</param>
    /// <param name="bins">Spline bins per transformed coordinate.</param>
    /// <param name="tailBound">B: the splines act on [−B, B] and are the identity outside.</param>
    /// <param name="hiddenFeatures">Width of the conditioner's hidden layers.</param>
    /// <param name="blocks">Residual blocks of the conditioner.</param>
    public SplineCoupling(int features, int contextFeatures, bool evenParity, int bins, double tailBound, int hiddenFeatures, int blocks)
        : base(nameof(SplineCoupling))
    {
        int parity = evenParity || features == 1 ? 0 : 1;
        long[] moved = [.. Enumerable.Range(0, features).Where(j => j % 2 == parity).Select(j => (long)j)];
        long[] kept = [.. Enumerable.Range(0, features).Where(j => j % 2 != parity).Select(j => (long)j)];
        transformed = tensor(moved, ScalarType.Int64);
        identity = tensor(kept, ScalarType.Int64);
        conditioner = new ResidualNet(kept.Length, contextFeatures, moved.Length * (3 * bins - 1), hiddenFeatures, blocks);
        _bins = bins;
        _tailBound = tailBound;
        // nflows divides the width and height logits by √hidden, which keeps a fresh spline near uniform bins.
        _sizeScale = 1 / Math.Sqrt(hiddenFeatures);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override (Tensor Output, Tensor LogAbsDet) Forward(Tensor input, Tensor context) => Apply(input, context, inverse: false);

    /// <inheritdoc/>
    public override (Tensor Output, Tensor LogAbsDet) Inverse(Tensor input, Tensor context) => Apply(input, context, inverse: true);

    private (Tensor, Tensor) Apply(Tensor input, Tensor context, bool inverse)
    {
        var kept = input.index_select(1, identity);
        var moved = input.index_select(1, transformed);
        var parameters = conditioner.forward(kept, context).view(input.shape[0], transformed.shape[0], 3 * _bins - 1);
        var widths = parameters.narrow(-1, 0, _bins).mul(TorchScalars.Of(_sizeScale));
        var heights = parameters.narrow(-1, _bins, _bins).mul(TorchScalars.Of(_sizeScale));
        var derivatives = parameters.narrow(-1, 2 * _bins, _bins - 1);
        var (outputs, logAbsDet) = RationalQuadraticSpline.Apply(moved, widths, heights, derivatives, _tailBound, inverse);
        var result = zeros_like(input).index_copy(1, transformed, outputs).index_copy(1, identity, kept);
        return (result, logAbsDet.sum(1));
    }
}
