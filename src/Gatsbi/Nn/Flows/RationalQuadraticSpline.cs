using static TorchSharp.torch;

namespace Gatsbi.Nn.Flows;

/// <summary>
/// The monotone rational-quadratic spline of neural spline flows (Durkan, Bekasov, Murray, Papamakarios
/// 2019) on [−B, B] with identity ("linear") tails outside, applied element-wise with per-element knots.
/// The constants and the parameterisation are those of nflows 0.14, which produced the published NPE
/// numbers: bin widths and heights are softmaxes floored at 1e-3, interior knot derivatives are
/// 1e-3 + softplus, and the two boundary derivatives are exactly 1 so the spline meets the tails smoothly.
/// </summary>
public static class RationalQuadraticSpline
{
    /// <summary>Floor of each bin's width as a fraction of the interval 2B (nflows' <c>DEFAULT_MIN_BIN_WIDTH</c>).</summary>
    public const double MinBinWidth = 1e-3;

    /// <summary>Floor of each bin's height as a fraction of the interval 2B (nflows' <c>DEFAULT_MIN_BIN_HEIGHT</c>).</summary>
    public const double MinBinHeight = 1e-3;

    /// <summary>Floor of every interior knot derivative, which keeps the spline strictly increasing (nflows' <c>DEFAULT_MIN_DERIVATIVE</c>).</summary>
    public const double MinDerivative = 1e-3;

    /// <summary>The unnormalised derivative that maps to exactly 1 (1e-3 + softplus(c) = 1).</summary>
    public static readonly double UnitDerivative = Math.Log(Math.Exp(1 - MinDerivative) - 1);

    /// <summary>
    /// Applies the spline (or its inverse) to <paramref name="inputs"/> (any shape S); the parameters have
    /// shape S × K (widths, heights) and S × (K − 1) (interior derivatives) for K bins. Returns outputs and
    /// the element-wise log |dy/du| (of the direction applied), both of shape S. Inputs outside [−B, B]
    /// pass through unchanged with log-derivative 0; the interval is closed, as in nflows.
    /// </summary>
    public static (Tensor Outputs, Tensor LogAbsDet) Apply(Tensor inputs, Tensor unnormalizedWidths, Tensor unnormalizedHeights,
        Tensor unnormalizedDerivatives, double tailBound, bool inverse)
    {
        var inside = inputs.ge(TorchScalars.Of(-tailBound)).logical_and(inputs.le(TorchScalars.Of(tailBound)));
        // The spline is evaluated everywhere on clamped inputs and then selected, so that no masked
        // indexing is needed and the unused branch stays finite (a NaN there would poison the gradient).
        var clamped = inputs.clamp(TorchScalars.Of(-tailBound), TorchScalars.Of(tailBound));
        var derivatives = nn.functional.pad(unnormalizedDerivatives, [1, 1], value: UnitDerivative);
        var (outputs, logAbsDet) = Spline(clamped, unnormalizedWidths, unnormalizedHeights, derivatives, tailBound, inverse);
        return (where(inside, outputs, inputs), where(inside, logAbsDet, zeros_like(logAbsDet)));
    }

    private static (Tensor Outputs, Tensor LogAbsDet) Spline(Tensor inputs, Tensor unnormalizedWidths, Tensor unnormalizedHeights,
        Tensor unnormalizedDerivatives, double bound, bool inverse)
    {
        long bins = unnormalizedWidths.shape[^1];
        var (cumWidths, widths) = Knots(unnormalizedWidths, MinBinWidth, bound);
        var (cumHeights, heights) = Knots(unnormalizedHeights, MinBinHeight, bound);
        var derivatives = nn.functional.softplus(unnormalizedDerivatives).PlusInPlace(MinDerivative);

        // Bin index = (number of knots ≤ value) − 1, with the last knot raised a little so the upper bound
        // falls in the last bin. Values are clamped to [−B, B], so counting knots 1..K suffices.
        var locations = inverse ? cumHeights : cumWidths;
        var upperKnots = cat([locations.narrow(-1, 1, bins - 1), locations.narrow(-1, bins, 1).Plus(1e-6)], -1);
        var bin = inputs.unsqueeze(-1).ge(upperKnots).sum(-1, keepdim: true, type: ScalarType.Int64);

        Tensor At(Tensor t) => t.gather(-1, bin).squeeze(-1);
        var x0 = At(cumWidths);
        var w = At(widths);
        var y0 = At(cumHeights);
        var h = At(heights);
        var slope = At(heights / widths);
        var d0 = At(derivatives.narrow(-1, 0, bins));
        var d1 = At(derivatives.narrow(-1, 1, bins));
        var curvature = d0.Plus(d1).MinusInPlace(slope.mul(TorchScalars.Of(2)));

        Tensor xi;
        Tensor outputs;
        if (inverse)
        {
            // Solve a ξ² + b ξ + c = 0 for the position ξ inside the bin; the root 2c / (−b − √(b² − 4ac))
            // avoids cancellation.
            var dy = inputs.Minus(y0);
            var a = dy.mul(curvature).PlusInPlace(h.mul(slope.Minus(d0)));
            var b = h.mul(d0).MinusInPlace(dy.mul(curvature));
            var c = slope.neg().mul(dy);
            var discriminant = b.square().MinusInPlace(a.mul(c).mul_(TorchScalars.Of(4))).clamp_min(TorchScalars.Of(0));
            xi = c.mul(TorchScalars.Of(2)).div(b.neg().MinusInPlace(discriminant.sqrt()));
            outputs = xi.mul(w).PlusInPlace(x0);
        }
        else
        {
            xi = inputs.Minus(x0).div(w);
            var xiOneMinusXi = xi.mul(xi.neg().PlusInPlace(1.0));
            var numerator = h.mul(slope.mul(xi.square()).PlusInPlace(d0.mul(xiOneMinusXi)));
            outputs = y0.Plus(numerator.div(slope.Plus(curvature.mul(xiOneMinusXi))));
        }

        var t1mt = xi.mul(xi.neg().PlusInPlace(1.0));
        var denominator = slope.Plus(curvature.mul(t1mt));
        var derivativeNumerator = slope.square().mul(
            d1.mul(xi.square()).PlusInPlace(slope.mul(t1mt).mul_(TorchScalars.Of(2))).PlusInPlace(d0.mul(xi.neg().PlusInPlace(1.0).square())));
        var logDerivative = derivativeNumerator.log().MinusInPlace(denominator.log().mul_(TorchScalars.Of(2)));
        return (outputs, inverse ? logDerivative.neg() : logDerivative);
    }

    /// <summary>Knot positions (K + 1, from −B to exactly B) and bin sizes from unnormalised sizes.</summary>
    private static (Tensor Cumulative, Tensor Sizes) Knots(Tensor unnormalized, double minimum, double bound)
    {
        long bins = unnormalized.shape[^1];
        var sizes = unnormalized.softmax(-1).mul(TorchScalars.Of(1 - minimum * bins)).PlusInPlace(minimum);
        var inner = sizes.cumsum(-1).narrow(-1, 0, bins - 1).mul(TorchScalars.Of(2 * bound)).PlusInPlace(-bound);
        var first = full_like(inner.narrow(-1, 0, 1), TorchScalars.Of(-bound));
        var last = full_like(first, TorchScalars.Of(bound));
        var cumulative = cat([first, inner, last], -1);
        return (cumulative, cumulative.narrow(-1, 1, bins).Minus(cumulative.narrow(-1, 0, bins)));
    }
}
