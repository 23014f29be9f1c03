using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatsbi.Nn;

/// <summary>
/// GATSBI's noise-injection layer: the generator's only source of randomness. With a latent
/// z ~ N(0, I) drawn per row and a trainable matrix W (width × latent, initialised N(0, 1)):
/// heteroscedastic y = h ⊙ (1 + W z), homoscedastic y = h + W z. Injecting noise inside the network
/// (rather than concatenating it to the input) lets the noise scale depend on x.
/// </summary>
public sealed class AddNoise : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;

    /// <summary>A noise layer whose W is drawn from N(0, 1) with libtorch's global generator.</summary>
    /// <param name="width">Width of the hidden layer h it acts on.</param>
    /// <param name="latentDimension">Width of the latent z.</param>
    /// <param name="heteroscedastic">True for y = h ⊙ (1 + W z) (the published default), false for y = h + W z.</param>
    public AddNoise(long width, long latentDimension, bool heteroscedastic = true) : base(nameof(AddNoise))
    {
        weight = new Parameter(randn(width, latentDimension));
        Heteroscedastic = heteroscedastic;
        RegisterComponents();
    }

    /// <summary>True when the noise multiplies h (y = h ⊙ (1 + W z)), false when it is added (y = h + W z).</summary>
    public bool Heteroscedastic { get; }

    /// <summary>Width of the hidden layer h, the rows of W.</summary>
    public long Width => weight.shape[0];

    /// <summary>Width of the latent z, the columns of W.</summary>
    public long LatentDimension => weight.shape[1];

    /// <summary>The trainable matrix W (width × latent); the module owns it.</summary>
    public Tensor Weight => weight;

    /// <summary>Draws a fresh latent per row from the global TorchSharp generator.</summary>
    public override Tensor forward(Tensor h) => Forward(h, null);

    /// <summary>Applies the layer with the given latent <paramref name="z"/> (rows × latent), or a fresh draw when null.</summary>
    /// <param name="h">Hidden activations, any leading shape with <see cref="Width"/> on the last axis.</param>
    /// <param name="z">The latent, h's leading shape × <see cref="LatentDimension"/>; not disposed.</param>
    /// <returns>A new tensor of h's shape.</returns>
    /// <exception cref="ArgumentException">h's last axis is not <see cref="Width"/>, or z has the wrong shape.</exception>
    public Tensor Forward(Tensor h, Tensor? z)
    {
        if (h.shape[^1] != Width)
            throw new ArgumentException($"AddNoise expects width {Width} on the last axis; got shape [{string.Join(", ", h.shape)}].");
        var leading = h.shape[..^1];
        using var latent = z?.alias() ?? randn([.. leading, LatentDimension], dtype: h.dtype, device: h.device);
        if (!latent.shape[..^1].SequenceEqual(leading) || latent.shape[^1] != LatentDimension)
            throw new ArgumentException($"Latent must have shape [{string.Join(", ", leading)}, {LatentDimension}]; got [{string.Join(", ", latent.shape)}].");
        using var noise = nn.functional.linear(latent, weight);
        return Heteroscedastic ? h * noise.Plus(1.0) : h.Plus(noise);
    }
}
