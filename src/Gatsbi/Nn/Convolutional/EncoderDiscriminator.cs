using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatsbi.Nn.Convolutional;

/// <summary>
/// The discriminator of <see cref="EncoderNetworks"/>: θ passes unchanged, x goes through a spectrally
/// normalised encoder and linear embedding, and an MLP head on [θ, embedding] gives the logit. Its BatchNorm
/// sees real-only and fake-only batches in separate calls, as in the original GATSBI training loop
/// (github.com/mackelab/gatsbi, gatsbi/optimize/base.py).
/// </summary>
public sealed class EncoderDiscriminator : DiscriminatorNetwork
{
    private readonly ConvEncoder encoder;
    private readonly SpectralNormLinear embedding;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> head = new();
    private readonly long[] _imageShape;
    private readonly double _slope;

    /// <summary>A fresh discriminator; weights and spectral-norm start vectors come from libtorch's global generator.</summary>
    /// <param name="spec">The image shape and layer sizes.</param>
    /// <param name="parameterDimension">Values per row of θ.</param>
    /// <exception cref="ArgumentException"><paramref name="spec"/> is invalid.</exception>
    public EncoderDiscriminator(EncoderNetworks spec, int parameterDimension) : base(nameof(EncoderDiscriminator))
    {
        spec.Validate(parameterDimension, spec.DataDimension);
        encoder = new ConvEncoder(spec.Channels, spec.Height, spec.Width, spec.DiscriminatorChannels, spec.StemStride, spectralNorm: true);
        embedding = new SpectralNormLinear(encoder.OutputFeatures, spec.EmbeddingWidth, hasBias: false);
        int[] units = [parameterDimension + spec.EmbeddingWidth, .. spec.HeadUnits, 1];
        for (int i = 0; i < units.Length - 1; i++) head.Add(new SpectralNormLinear(units[i], units[i + 1]));
        _imageShape = [-1, spec.Channels, spec.Height, spec.Width];
        _slope = spec.HeadSlope;
        RegisterComponents();
    }

    /// <summary>Logits of shape (rows, 1) for θ (rows × d_θ) and flattened x images (rows × C·H·W).</summary>
    public override Tensor forward(Tensor theta, Tensor x)
    {
        using var scope = NewDisposeScope();
        var embedded = embedding.forward(encoder.forward(x.reshape(_imageShape)));
        var h = cat([theta, embedded], 1);
        for (int i = 0; i < head.Count; i++)
        {
            h = head[i].forward(h);
            if (i < head.Count - 1) h = h.leaky_relu(TorchScalars.Of(_slope));
        }
        return h.MoveToOuterDisposeScope();
    }
}
