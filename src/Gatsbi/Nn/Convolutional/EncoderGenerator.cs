using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatsbi.Nn.Convolutional;

/// <summary>The generator of <see cref="EncoderNetworks"/>: x image → encoder → h + Wz → linear → θ.</summary>
public sealed class EncoderGenerator : GeneratorNetwork
{
    private readonly ConvEncoder encoder;
    private readonly AddNoise noise;
    private readonly Linear output;
    private readonly long[] _imageShape;

    /// <summary>A fresh generator; its weights come from libtorch's global generator.</summary>
    /// <param name="spec">The image shape, layer sizes and latent width.</param>
    /// <param name="parameterDimension">Values per row of θ.</param>
    /// <exception cref="ArgumentException"><paramref name="spec"/> is invalid.</exception>
    public EncoderGenerator(EncoderNetworks spec, int parameterDimension) : base(nameof(EncoderGenerator))
    {
        spec.Validate(parameterDimension, spec.DataDimension);
        Spec = spec;
        encoder = new ConvEncoder(spec.Channels, spec.Height, spec.Width, spec.GeneratorChannels, spec.StemStride, spectralNorm: false);
        noise = new AddNoise(encoder.OutputFeatures, spec.LatentDimension, heteroscedastic: false);
        output = nn.Linear(encoder.OutputFeatures, parameterDimension, hasBias: false);
        _imageShape = [-1, spec.Channels, spec.Height, spec.Width];
        ParameterDimension = parameterDimension;
        RegisterComponents();
    }

    /// <summary>The image shape and layer sizes the generator was built with.</summary>
    public EncoderNetworks Spec { get; }

    /// <inheritdoc/>
    public override int DataDimension => Spec.DataDimension;

    /// <inheritdoc/>
    public override int ParameterDimension { get; }

    /// <inheritdoc/>
    public override int LatentDimension => Spec.LatentDimension;

    /// <summary>The published stem's 512 × 97 × 97 map takes 19 MB per row: 13 rows per pass; the fast preset's, 3,000.</summary>
    public override int RowsPerPass => (int)Math.Clamp(PassMemoryBytes / (encoder.LargestMapValues * sizeof(float)), 1, base.RowsPerPass);

    /// <inheritdoc/>
    public override Tensor ForwardUnbounded(Tensor x, Tensor? z)
    {
        using var scope = NewDisposeScope();
        var h = encoder.forward(x.reshape(_imageShape));
        return output.forward(noise.Forward(h, z)).MoveToOuterDisposeScope();
    }
}
