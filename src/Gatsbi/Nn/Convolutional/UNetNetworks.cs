namespace Gatsbi.Nn.Convolutional;

/// <summary>
/// The camera model's networks (gatsbi_method.md §6.3–6.4), for θ and x both single-channel 28 × 28 images:
/// a small pix2pix-style U-Net generator with the latent injected multiplicatively at its 3 × 3 bottleneck,
/// and a tiny spectrally normalised convolutional discriminator on the channel stack [θ, x]. The U-Net's
/// skip connections fix the image size: 28 → 15 → 8 → 5 → 3 and back.
/// </summary>
public sealed record UNetNetworks(int LatentDimension = 200) : ConvolutionalNetworks(1, ImageSize, ImageSize)
{
    public const int ImageSize = 28;

    public override GeneratorNetwork CreateGenerator(int parameterDimension) => new UNetGenerator(this);

    public override DiscriminatorNetwork CreateDiscriminator(int parameterDimension) => new PairConvDiscriminator();

    public override void Validate(int parameterDimension, int dataDimension)
    {
        base.Validate(parameterDimension, dataDimension);
        if (parameterDimension != DataDimension)
            throw new ArgumentException($"The U-Net maps a {ImageSize}×{ImageSize} image to an image of the same size; θ has {parameterDimension} values per row, expected {DataDimension}.");
        if (LatentDimension < 1) throw new ArgumentException($"LatentDimension must be at least 1; got {LatentDimension}.");
    }
}
