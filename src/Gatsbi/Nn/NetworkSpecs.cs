namespace Gatsbi.Nn;

/// <summary>
/// Shape of a GATSBI generator (a null <paramref name="LatentDimension"/> means "the parameter dimension", which is what the published configurations use): an MLP x → θ with hidden widths <paramref name="HiddenUnits"/>, each
/// linear layer followed by LeakyReLU(<paramref name="LeakySlope"/>), and an <see cref="AddNoise"/> layer
/// right after linear layer number <paramref name="NoiseAfterLayer"/> (1-based, before its activation).
/// <paramref name="LeakyOutput"/> keeps the published quirk of a LeakyReLU on the output layer too.
/// </summary>
public sealed record GeneratorSpec(
    int[] HiddenUnits,
    int NoiseAfterLayer,
    int? LatentDimension,
    bool LeakyOutput,
    double LeakySlope = 0.1,
    bool Heteroscedastic = true)
{
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
/// linear layer spectrally normalised when <paramref name="SpectralNorm"/> is set.
/// </summary>
public sealed record DiscriminatorSpec(int[] HiddenUnits, bool SpectralNorm = true, double LeakySlope = 0.1)
{
    public void Validate()
    {
        if (HiddenUnits.Length == 0) throw new ArgumentException("The discriminator needs at least one hidden layer.");
        if (HiddenUnits.Any(u => u <= 0)) throw new ArgumentException($"Discriminator hidden widths must be positive; got [{string.Join(", ", HiddenUnits)}].");
    }
}
