using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatsbi.Nn;

/// <summary>
/// A linear layer whose weight is divided by an estimate of its largest singular value (spectral
/// normalisation, Miyato et al. 2018), as PyTorch's hook-based <c>spectral_norm</c> does with its
/// defaults (one power iteration, eps 1e-12). TorchSharp has no equivalent.
/// In training mode every forward call advances the power iteration by one step (so the number of
/// iterations per optimiser step depends on how often the layer is called, exactly as in PyTorch); in
/// evaluation mode the stored vectors are used as they are.
/// </summary>
public sealed class SpectralNormLinear : nn.Module<Tensor, Tensor>
{
    private const double Eps = 1e-12;

    private readonly Parameter weight_orig;
    private readonly Parameter? bias;
    private readonly Tensor weight_u;
    private readonly Tensor weight_v;

    public SpectralNormLinear(long inFeatures, long outFeatures, bool hasBias = true) : base(nameof(SpectralNormLinear))
    {
        using (var scope = NewDisposeScope())
        {
            // Borrow nn.Linear's initialisation so the weights start exactly as PyTorch's would.
            using var template = nn.Linear(inFeatures, outFeatures, hasBias);
            weight_orig = new Parameter(template.weight!.detach().clone().MoveToOuterDisposeScope());
            if (hasBias) bias = new Parameter(template.bias!.detach().clone().MoveToOuterDisposeScope());
            weight_u = nn.functional.normalize(randn(outFeatures), p: 2, dim: 0, eps: Eps).MoveToOuterDisposeScope();
            weight_v = nn.functional.normalize(randn(inFeatures), p: 2, dim: 0, eps: Eps).MoveToOuterDisposeScope();
        }
        RegisterComponents();
    }

    public long InFeatures => weight_orig.shape[1];
    public long OutFeatures => weight_orig.shape[0];

    /// <summary>The current estimate σ = uᵀWv of the largest singular value (no power step).</summary>
    public float SigmaEstimate()
    {
        using var _ = no_grad();
        using var wv = weight_orig.mv(weight_v);
        using var s = weight_u.dot(wv);
        return s.item<float>();
    }

    /// <summary>The raw (unnormalised) weight, for inspection and tests.</summary>
    public Tensor RawWeight => weight_orig;

    public override Tensor forward(Tensor input)
    {
        if (training)
        {
            using var _ = no_grad();
            using var wtu = weight_orig.t().mv(weight_u);
            using var v = nn.functional.normalize(wtu, p: 2, dim: 0, eps: Eps);
            using var wv = weight_orig.mv(v);
            using var u = nn.functional.normalize(wv, p: 2, dim: 0, eps: Eps);
            weight_v.copy_(v);
            weight_u.copy_(u);
        }
        // u and v are constants here: the gradient flows through W only, as in PyTorch. Clones, because
        // the next training-mode call updates the buffers in place while this call's graph still needs them.
        using var u0 = weight_u.clone();
        using var v0 = weight_v.clone();
        using var sigma = u0.dot(weight_orig.mv(v0));
        using var w = weight_orig / sigma;
        return nn.functional.linear(input, w, bias);
    }
}
