using System.Text.Json.Serialization;

namespace Gatsbi.Nn.Convolutional;

/// <summary>
/// A generator and discriminator pair for data that are images: each row of x is an image of
/// <see cref="Channels"/> × <see cref="Height"/> × <see cref="Width"/> values flattened in C order (channel,
/// then row, then column), which the networks reshape themselves. A record so that a model file can store it
/// and rebuild the generator; the concrete kind is kept under "Architecture" in JSON.
/// </summary>
/// <param name="Channels">Channels of each x image.</param>
/// <param name="Height">Height of each x image, in pixels.</param>
/// <param name="Width">Width of each x image, in pixels.</param>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "Architecture")]
[JsonDerivedType(typeof(EncoderNetworks), "encoder")]
[JsonDerivedType(typeof(UNetNetworks), "unet")]
public abstract record ConvolutionalNetworks(int Channels, int Height, int Width)
{
    /// <summary>Values per row of x.</summary>
    public int DataDimension => Channels * Height * Width;

    /// <summary>
    /// A freshly initialised generator for θ of <paramref name="parameterDimension"/> values per row; its
    /// weights come from libtorch's global generator. The caller owns the module.
    /// </summary>
    public abstract GeneratorNetwork CreateGenerator(int parameterDimension);

    /// <summary>
    /// A freshly initialised discriminator for θ of <paramref name="parameterDimension"/> values per row; its
    /// weights come from libtorch's global generator. The caller owns the module.
    /// </summary>
    public abstract DiscriminatorNetwork CreateDiscriminator(int parameterDimension);

    /// <summary>Checks the shapes against the data: x must have <see cref="DataDimension"/> values per row.</summary>
    /// <param name="parameterDimension">Values per row of θ; at least 1.</param>
    /// <param name="dataDimension">Values per row of x.</param>
    /// <exception cref="ArgumentException">The image shape is not positive, the data do not match it, or θ is empty.</exception>
    public virtual void Validate(int parameterDimension, int dataDimension)
    {
        if (Channels < 1 || Height < 1 || Width < 1)
            throw new ArgumentException($"Image shape must be positive; got {Channels}×{Height}×{Width}.");
        if (dataDimension != DataDimension)
            throw new ArgumentException($"The convolutional networks expect x of {Channels}×{Height}×{Width} = {DataDimension} values per row; the data have {dataDimension}.");
        if (parameterDimension < 1) throw new ArgumentException($"The parameter dimension must be at least 1; got {parameterDimension}.");
    }
}
