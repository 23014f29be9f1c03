namespace Gatsbi.Nn;

/// <summary>
/// Shape of a GATSBI generator (a null <paramref name="LatentDimension"/> means "the parameter dimension", which is what the published configurations use): an MLP x → θ with hidden widths <paramref name="HiddenUnits"/>, each
/// linear layer followed by LeakyReLU(<paramref name="LeakySlope"/>), and an <see cref="AddNoise"/> layer
/// right after linear layer number <paramref name="NoiseAfterLayer"/> (1-based, before its activation).
/// <paramref name="LeakyOutput"/> keeps the published quirk of a LeakyReLU on the output layer too.
/// With <paramref name="MapsToSupport"/> the network's output is an unbounded u that a
/// <see cref="SupportTransform"/> maps into the prior's support.
/// </summary>
/// <param name="HiddenUnits">Widths of the hidden layers, input side first; at least one, all positive.</param>
/// <param name="NoiseAfterLayer">The linear layer (1-based, a hidden one) whose output receives the noise.</param>
/// <param name="LatentDimension">Width of the latent z; null for the parameter dimension.</param>
/// <param name="LeakyOutput">Apply LeakyReLU to the output layer too, as the published networks do.</param>
/// <param name="LeakySlope">Negative slope of every LeakyReLU; 0.1 as published.</param>
/// <param name="Heteroscedastic">Multiplicative noise h ⊙ (1 + W z) (published) rather than additive h + W z.</param>
/// <param name="MapsToSupport">Follow the output with a <see cref="SupportTransform"/> into the prior's support.</param>
public sealed record GeneratorSpec(
    int[] HiddenUnits,
    int NoiseAfterLayer,
    int? LatentDimension,
    bool LeakyOutput,
    double LeakySlope = 0.1,
    bool Heteroscedastic = true,
    bool MapsToSupport = false)
{
    /// <summary>Checks the shape.</summary>
    /// <exception cref="ArgumentException">There is no hidden layer, a width is not positive, <see cref="NoiseAfterLayer"/> names no hidden layer, or <see cref="LatentDimension"/> is not positive.</exception>
    public void Validate()
    {
        if (HiddenUnits.Length == 0) throw new ArgumentException("The generator needs at least one hidden layer.");
        if (HiddenUnits.Any(u => u <= 0)) throw new ArgumentException($"Generator hidden widths must be positive; got [{string.Join(", ", HiddenUnits)}].");
        if (NoiseAfterLayer < 1 || NoiseAfterLayer > HiddenUnits.Length)
            throw new ArgumentException($"NoiseAfterLayer must name a hidden layer (1..{HiddenUnits.Length}); got {NoiseAfterLayer}.");
        if (LatentDimension is <= 0) throw new ArgumentException($"LatentDimension must be positive; got {LatentDimension}.");
    }
}

/// <summary>
/// Shape of a GATSBI discriminator: an MLP on [θ, x] (θ first) with hidden widths
/// <paramref name="HiddenUnits"/>, LeakyReLU(<paramref name="LeakySlope"/>) and one output logit; every
/// linear layer spectrally normalised when <paramref name="SpectralNorm"/> is set. The inputs are multiplied
/// by <paramref name="InputGain"/> first: a spectrally normalised network is 1-Lipschitz, so on standardised
/// inputs it can only tell apart differences of the order of the prior's spread, and a posterior much
/// narrower than the prior needs a larger gain for the discriminator to resolve its width.
/// </summary>
/// <param name="HiddenUnits">Widths of the hidden layers, input side first; at least one, all positive.</param>
/// <param name="SpectralNorm">Spectrally normalise every linear layer (Miyato et al. 2018), as published.</param>
/// <param name="LeakySlope">Negative slope of every LeakyReLU; 0.1 as published.</param>
/// <param name="InputGain">Factor applied to the (standardised) [θ, x] before the first layer; 1 as published, 10 in the Fast preset.</param>
public sealed record DiscriminatorSpec(int[] HiddenUnits, bool SpectralNorm = true, double LeakySlope = 0.1, double InputGain = 1)
{
    /// <summary>Checks the shape.</summary>
    /// <exception cref="ArgumentException">There is no hidden layer or a width is not positive.</exception>
    public void Validate()
    {
        if (HiddenUnits.Length == 0) throw new ArgumentException("The discriminator needs at least one hidden layer.");
        if (HiddenUnits.Any(u => u <= 0)) throw new ArgumentException($"Discriminator hidden widths must be positive; got [{string.Join(", ", HiddenUnits)}].");
    }
}
