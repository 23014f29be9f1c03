using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatsbi.Nn.Convolutional;

/// <summary>
/// A 2-D convolution whose weight is divided by an estimate of its largest singular value, the weight seen
/// as a matrix (out channels, in channels · kernel height · kernel width) as PyTorch's <c>spectral_norm</c>
/// flattens it; see <see cref="SpectralNormLinear"/> for the power iteration.
/// </summary>
public sealed class SpectralNormConv2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight_orig;
    private readonly Parameter? bias;
    private readonly Tensor weight_u;
    private readonly Tensor weight_v;
    private readonly long _stride, _padding;

    /// <summary>
    /// A convolution initialised exactly as <c>nn.Conv2d</c> would be, with random unit start vectors u and v;
    /// all draws come from libtorch's global generator.
    /// </summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Side of the square kernel.</param>
    /// <param name="stride">Stride in both directions.</param>
    /// <param name="padding">Zero padding on every side.</param>
    /// <param name="hasBias">Whether the convolution adds a (not normalised) bias.</param>
    public SpectralNormConv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, bool hasBias = true)
        : base(nameof(SpectralNormConv2d))
    {
        using (var scope = NewDisposeScope())
        {
            // Borrow nn.Conv2d's initialisation so the weights start exactly as PyTorch's would.
            using var template = nn.Conv2d(inChannels, outChannels, kernelSize, stride, padding, bias: hasBias);
            weight_orig = new Parameter(template.weight!.detach().clone().MoveToOuterDisposeScope());
            if (hasBias) bias = new Parameter(template.bias!.detach().clone().MoveToOuterDisposeScope());
            weight_u = SpectralNormalization.StartVector(outChannels).MoveToOuterDisposeScope();
            weight_v = SpectralNormalization.StartVector(inChannels * kernelSize * kernelSize).MoveToOuterDisposeScope();
        }
        _stride = stride;
        _padding = padding;
        RegisterComponents();
    }

    /// <summary>The raw (unnormalised) weight, for inspection and tests.</summary>
    public Tensor RawWeight => weight_orig;

    /// <summary>
    /// The convolution with weight W/σ of input (rows, channels, height, width); in training mode one
    /// power-iteration step updates u and v first.
    /// </summary>
    public override Tensor forward(Tensor input)
    {
        using var matrix = weight_orig.flatten(1);
        using var sigma = SpectralNormalization.Sigma(matrix, weight_u, weight_v, training);
        using var w = weight_orig / sigma;
        return nn.functional.conv2d(input, w, bias, strides: [_stride, _stride], padding: [_padding, _padding]);
    }
}
