namespace Gatsbi.Nn.Convolutional;

/// <summary>
/// The shallow water model's networks (the original GATSBI code, github.com/mackelab/gatsbi,
/// gatsbi/task_utils/shallow_water_model/networks.py), for any image-shaped x and vector θ.
/// Generator: a <see cref="ConvEncoder"/> of x with <see cref="GeneratorChannels"/>, homoscedastic
/// <see cref="AddNoise"/> (h + Wz, latent <see cref="LatentDimension"/>), then a linear map without bias to θ:
/// for fixed x the output is affine in z, so each q(θ | x) is Gaussian. Discriminator: a spectrally
/// normalised encoder of x with <see cref="DiscriminatorChannels"/> and a linear embedding of width
/// <see cref="EmbeddingWidth"/>, concatenated after θ and fed to a spectrally normalised MLP head of
/// <see cref="HeadUnits"/> with LeakyReLU(<see cref="HeadSlope"/>).
/// </summary>
/// <param name="Channels">Channels of each x image.</param>
/// <param name="Height">Height of each x image, in pixels.</param>
/// <param name="Width">Width of each x image, in pixels.</param>
/// <param name="GeneratorChannels">Output channels of the generator encoder's 4 × 4 convolutions, in order.</param>
/// <param name="DiscriminatorChannels">Output channels of the discriminator encoder's spectrally normalised convolutions, in order.</param>
/// <param name="StemStride">Stride of both encoders' first convolution: 1 as published, or 2 to halve the image at once (much cheaper on a CPU).</param>
/// <param name="LatentDimension">Width of the latent z.</param>
/// <param name="EmbeddingWidth">Width of the discriminator's linear embedding of x.</param>
/// <param name="HeadUnits">Hidden widths of the discriminator's MLP head.</param>
/// <param name="HeadSlope">Negative slope of the head's LeakyReLU; 0.2 as published.</param>
public sealed record EncoderNetworks(
    int Channels,
    int Height,
    int Width,
    int[] GeneratorChannels,
    int[] DiscriminatorChannels,
    int StemStride,
    int LatentDimension,
    int EmbeddingWidth,
    int[] HeadUnits,
    double HeadSlope = 0.2) : ConvolutionalNetworks(Channels, Height, Width)
{
    /// <summary>
    /// The published networks: generator channels 512, 256, 128, 128, 1 (ngf 128), discriminator embedding
    /// channels 256, 128, 64, 64, 1 (ngf 64), a stride-1 stem, latent 25, embedding 100, head 3 × 256. On the
    /// shallow water data (2 × 100 × 100) they have 2,908,564 and 918,033 weights.
    /// </summary>
    public static EncoderNetworks Paper(int channels, int height, int width) =>
        new(channels, height, width, [512, 256, 128, 128, 1], [256, 128, 64, 64, 1], StemStride: 1, LatentDimension: 25, EmbeddingWidth: 100, HeadUnits: [256, 256, 256]);

    /// <inheritdoc/>
    public override GeneratorNetwork CreateGenerator(int parameterDimension) => new EncoderGenerator(this, parameterDimension);

    /// <inheritdoc/>
    public override DiscriminatorNetwork CreateDiscriminator(int parameterDimension) => new EncoderDiscriminator(this, parameterDimension);

    /// <summary>Checks the image shape against the data, and that the latent, embedding and head sizes are positive.</summary>
    /// <exception cref="ArgumentException">A shape or size is invalid; the message names it.</exception>
    public override void Validate(int parameterDimension, int dataDimension)
    {
        base.Validate(parameterDimension, dataDimension);
        if (LatentDimension < 1) throw new ArgumentException($"LatentDimension must be at least 1; got {LatentDimension}.");
        if (EmbeddingWidth < 1) throw new ArgumentException($"EmbeddingWidth must be at least 1; got {EmbeddingWidth}.");
        if (HeadUnits is null || HeadUnits.Length == 0 || HeadUnits.Any(u => u < 1))
            throw new ArgumentException($"HeadUnits must be a non-empty list of positive widths; got [{string.Join(", ", HeadUnits ?? [])}].");
    }
}
