using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatsbi.Nn.Convolutional;

/// <summary>
/// The U-Net generator of <see cref="UNetNetworks"/> (180,289 weights with the published latent of 200).
/// Encoder blocks are Conv2d · LeakyReLU(0.2) · BatchNorm, decoder blocks ConvTranspose2d · ReLU · BatchNorm
/// (the norm after the activation, as published). The latent z (rows × latent) becomes a 3 × 3 map m through a
/// transposed convolution, and the bottleneck h continues as [h, h ⊙ m], so the noise scale depends on x.
/// Skips concatenate the decoder output first, then the encoder feature. A Sigmoid keeps θ in (0, 1).
/// </summary>
public sealed class UNetGenerator : GeneratorNetwork
{
    private readonly ConvBlock e1, e2, e3, bottleneck;
    private readonly ConvTranspose2d latent_map;
    private readonly ConvBlock d1, d2, d3, d4;
    private readonly ConvTranspose2d output;

    /// <summary>A fresh generator; its weights come from libtorch's global generator.</summary>
    /// <param name="spec">The latent width (the image size is fixed at 28 × 28).</param>
    /// <exception cref="ArgumentException"><paramref name="spec"/> is invalid.</exception>
    public UNetGenerator(UNetNetworks spec) : base(nameof(UNetGenerator))
    {
        spec.Validate(spec.DataDimension, spec.DataDimension);
        Spec = spec;
        e1 = new ConvBlock(1, 8, 2, 2, 1, transposed: false);
        e2 = new ConvBlock(8, 16, 2, 2, 1, transposed: false);
        e3 = new ConvBlock(16, 32, 2, 2, 1, transposed: false);
        bottleneck = new ConvBlock(32, 64, 3, 1, 0, transposed: false);
        latent_map = nn.ConvTranspose2d(spec.LatentDimension, 64, 3, bias: false);
        d1 = new ConvBlock(128, 32, 3, 2, 1, transposed: true);
        d2 = new ConvBlock(64, 16, 2, 2, 1, transposed: true);
        d3 = new ConvBlock(32, 8, 3, 2, 1, transposed: true);
        d4 = new ConvBlock(16, 4, 2, 2, 1, transposed: true);
        output = nn.ConvTranspose2d(4, 1, 1);
        RegisterComponents();
    }

    /// <summary>The settings the generator was built with.</summary>
    public UNetNetworks Spec { get; }

    /// <inheritdoc/>
    public override int DataDimension => Spec.DataDimension;

    /// <summary>784: θ is a 28 × 28 image like x.</summary>
    public override int ParameterDimension => Spec.DataDimension;

    /// <inheritdoc/>
    public override int LatentDimension => Spec.LatentDimension;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="z"/> is not rows × <see cref="LatentDimension"/>.</exception>
    public override Tensor ForwardUnbounded(Tensor x, Tensor? z)
    {
        using var scope = NewDisposeScope();
        long rows = x.shape[0];
        var image = x.reshape(rows, 1, UNetNetworks.ImageSize, UNetNetworks.ImageSize);
        var s1 = e1.forward(image);
        var s2 = e2.forward(s1);
        var s3 = e3.forward(s2);
        var h = bottleneck.forward(s3);
        var latent = z ?? randn([rows, LatentDimension], dtype: x.dtype, device: x.device);
        if (latent.shape.Length != 2 || latent.shape[0] != rows || latent.shape[1] != LatentDimension)
            throw new ArgumentException($"Latent must have shape [{rows}, {LatentDimension}]; got [{string.Join(", ", latent.shape)}].");
        var m = latent_map.forward(latent.reshape(rows, LatentDimension, 1, 1));
        h = cat([h, h * m], 1);
        h = cat([d1.forward(h), s3], 1);
        h = cat([d2.forward(h), s2], 1);
        h = cat([d3.forward(h), s1], 1);
        h = d4.forward(h);
        return output.forward(h).sigmoid_().reshape(rows, -1).MoveToOuterDisposeScope();
    }

    /// <summary>A (transposed) convolution with bias, then LeakyReLU(0.2) (encoder) or ReLU (decoder), then BatchNorm.</summary>
    private sealed class ConvBlock : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> conv;
        private readonly BatchNorm2d norm;
        private readonly bool _transposed;

        public ConvBlock(long inChannels, long outChannels, long kernel, long stride, long padding, bool transposed) : base(nameof(ConvBlock))
        {
            conv = transposed
                ? nn.ConvTranspose2d(inChannels, outChannels, kernel, stride, padding)
                : nn.Conv2d(inChannels, outChannels, kernel, stride, padding);
            norm = nn.BatchNorm2d(outChannels);
            _transposed = transposed;
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var h = conv.forward(input);
            h = _transposed ? h.relu_() : h.leaky_relu_(TorchScalars.Of(0.2));
            return norm.forward(h).MoveToOuterDisposeScope();
        }
    }
}
