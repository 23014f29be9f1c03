namespace Gatsbi.Nn.Convolutional;

/// <summary>
/// The camera model's networks (the original GATSBI code, github.com/mackelab/gatsbi,
/// gatsbi/task_utils/camera_model/networks.py), for θ and x both single-channel 28 × 28 images:
/// a small pix2pix-style U-Net generator with the latent injected multiplicatively at its 3 × 3 bottleneck,
/// and a tiny spectrally normalised convolutional discriminator on the channel stack [θ, x]. The U-Net's
/// skip connections fix the image size: 28 → 15 → 8 → 5 → 3 and back.
/// </summary>
/// <param name="LatentDimension">Width of the latent z; 200 as published.</param>
public sealed record UNetNetworks(int LatentDimension = 200) : ConvolutionalNetworks(1, ImageSize, ImageSize)
{
    /// <summary>Side of the square θ and x images, in pixels; fixed by the U-Net's skip connections.</summary>
    public const int ImageSize = 28;

    /// <inheritdoc/>
    /// <remarks>θ must be a 28 × 28 image (784 values), as <see cref="Validate"/> checks.</remarks>
    public override GeneratorNetwork CreateGenerator(int parameterDimension) => new UNetGenerator(this);

    /// <inheritdoc/>
    /// <remarks>θ must be a 28 × 28 image (784 values), as <see cref="Validate"/> checks.</remarks>
    public override DiscriminatorNetwork CreateDiscriminator(int parameterDimension) => new PairConvDiscriminator();

    /// <summary>Checks that x and θ are both single-channel 28 × 28 images and that the latent width is positive.</summary>
    /// <exception cref="ArgumentException">A shape does not match or the latent width is not positive.</exception>
    public override void Validate(int parameterDimension, int dataDimension)
    {
        base.Validate(parameterDimension, dataDimension);
        if (parameterDimension != DataDimension)
            throw new ArgumentException($"The U-Net maps a {ImageSize}×{ImageSize} image to an image of the same size; θ has {parameterDimension} values per row, expected {DataDimension}.");
        if (LatentDimension < 1) throw new ArgumentException($"LatentDimension must be at least 1; got {LatentDimension}.");
    }
}
