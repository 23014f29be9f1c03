namespace Gatsbi.Nn.Flows;

/// <summary>The family of a conditional normalizing flow.</summary>
public enum FlowKind
{
    /// <summary>Neural spline flow: rational-quadratic spline couplings and LU-linear layers (the published NPE).</summary>
    Nsf,

    /// <summary>Masked autoregressive flow: affine MADE layers and order reversals.</summary>
    Maf,
}

/// <summary>
/// Shape of a conditional flow q(θ | x). The defaults are sbi 0.14.2's <c>posterior_nn("nsf")</c>, which produced
/// the published NPE numbers: five blocks, 50 hidden units, two residual blocks, ten bins, tail bound 3.
/// </summary>
public sealed record FlowSpec(
    FlowKind Kind = FlowKind.Nsf,
    int Transforms = 5,
    int HiddenFeatures = 50,
    int Blocks = 2,
    int Bins = 10,
    double TailBound = 3)
{
    public void Validate()
    {
        if (Transforms < 1) throw new ArgumentException($"A flow needs at least one transform; got {Transforms}.");
        if (HiddenFeatures < 1) throw new ArgumentException($"HiddenFeatures must be positive; got {HiddenFeatures}.");
        if (Blocks < 0) throw new ArgumentException($"Blocks must not be negative; got {Blocks}.");
        if (Bins < 2) throw new ArgumentException($"A spline needs at least 2 bins; got {Bins}.");
        if (!(TailBound > 0) || !double.IsFinite(TailBound)) throw new ArgumentException($"TailBound must be positive and finite; got {TailBound}.");
    }
}
