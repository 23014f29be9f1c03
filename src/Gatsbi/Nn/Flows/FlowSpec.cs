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
/// <param name="Kind">The flow family: neural spline flow (the default) or masked autoregressive flow.</param>
/// <param name="Transforms">Flow blocks; each is a spline coupling plus an LU-linear layer (NSF) or a MADE layer followed by a reversal (MAF; none after the last).</param>
/// <param name="HiddenFeatures">Width of the conditioner networks' hidden layers.</param>
/// <param name="Blocks">Residual blocks of each NSF conditioner, or masked hidden-to-hidden layers of each MADE; may be 0.</param>
/// <param name="Bins">Spline bins per transformed coordinate (NSF only); at least 2.</param>
/// <param name="TailBound">B: the splines act on [−B, B] of the standardised coordinates and are the identity outside (NSF only).</param>
public sealed record FlowSpec(
    FlowKind Kind = FlowKind.Nsf,
    int Transforms = 5,
    int HiddenFeatures = 50,
    int Blocks = 2,
    int Bins = 10,
    double TailBound = 3)
{
    /// <summary>Checks the sizes.</summary>
    /// <exception cref="ArgumentException">A size is out of range; the message names it.</exception>
    public void Validate()
    {
        if (Transforms < 1) throw new ArgumentException($"A flow needs at least one transform; got {Transforms}.");
        if (HiddenFeatures < 1) throw new ArgumentException($"HiddenFeatures must be positive; got {HiddenFeatures}.");
        if (Blocks < 0) throw new ArgumentException($"Blocks must not be negative; got {Blocks}.");
        if (Bins < 2) throw new ArgumentException($"A spline needs at least 2 bins; got {Bins}.");
        if (!(TailBound > 0) || !double.IsFinite(TailBound)) throw new ArgumentException($"TailBound must be positive and finite; got {TailBound}.");
    }
}
