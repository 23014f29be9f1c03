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
    private readonly Parameter weight_orig;
    private readonly Parameter? bias;
    private readonly Tensor weight_u;
    private readonly Tensor weight_v;

    /// <summary>
    /// A layer initialised exactly as <c>nn.Linear</c> would be, with random unit start vectors u and v; all
    /// draws come from libtorch's global generator.
    /// </summary>
    /// <param name="inFeatures">Input width.</param>
    /// <param name="outFeatures">Output width.</param>
    /// <param name="hasBias">Whether the layer adds a (not normalised) bias.</param>
    public SpectralNormLinear(long inFeatures, long outFeatures, bool hasBias = true) : base(nameof(SpectralNormLinear))
    {
        using (var scope = NewDisposeScope())
        {
            // Borrow nn.Linear's initialisation so the weights start exactly as PyTorch's would.
            using var template = nn.Linear(inFeatures, outFeatures, hasBias);
            weight_orig = new Parameter(template.weight!.detach().clone().MoveToOuterDisposeScope());
            if (hasBias) bias = new Parameter(template.bias!.detach().clone().MoveToOuterDisposeScope());
            weight_u = SpectralNormalization.StartVector(outFeatures).MoveToOuterDisposeScope();
            weight_v = SpectralNormalization.StartVector(inFeatures).MoveToOuterDisposeScope();
        }
        RegisterComponents();
    }

    /// <summary>Input width, the columns of the weight.</summary>
    public long InFeatures => weight_orig.shape[1];

    /// <summary>Output width, the rows of the weight.</summary>
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

    /// <summary>
    /// input · (W/σ)ᵀ + b for input of shape (…, <see cref="InFeatures"/>); in training mode one power-iteration
    /// step updates u and v first.
    /// </summary>
    public override Tensor forward(Tensor input)
    {
        using var sigma = SpectralNormalization.Sigma(weight_orig, weight_u, weight_v, training);
        using var w = weight_orig / sigma;
        return nn.functional.linear(input, w, bias);
    }
}
