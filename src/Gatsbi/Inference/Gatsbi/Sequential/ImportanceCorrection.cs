namespace Gatsbi.Inference.Gatsbi.Sequential;

/// <summary>How a round r ≥ 1 of sequential GATSBI keeps the generator's target at the true posterior.</summary>
public enum SequentialCorrection
{
    /// <summary>Weight the real term of the discriminator loss by w(θ, x) = π(θ)/π̃(θ) · p̃(x)/p(x).</summary>
    ImportanceWeights,

    /// <summary>Weight the fake term (discriminator and generator) by w̄ = 1/w, evaluated at the generated θ.</summary>
    InverseImportanceWeights,

    /// <summary>Train on generator samples whose latent is tilted by w̄ (rejection sampling); no loss weights.</summary>
    EnergyBased,
}

/// <summary>
/// The density ratios of one proposal round, from two classifiers between round 0 (prior, class 0) and that
/// round (proposal, class 1): one on θ, one on x. The class-size factors of the odds cancel in each product,
/// because each multiplies a class-0 odds with a class-1 odds. Disposing the correction disposes both classifiers.
/// </summary>
/// <param name="theta">The classifier between round 0's θ (class 0) and this round's θ (class 1); ownership passes to the correction.</param>
/// <param name="x">The classifier between round 0's x (class 0) and this round's x (class 1); ownership passes to the correction.</param>
public sealed class ImportanceCorrection(DensityRatioClassifier theta, DensityRatioClassifier x) : IDisposable
{
    /// <summary>The θ classifier: its odds estimate π̃(θ)/π(θ) (class 1) or π(θ)/π̃(θ) (class 0), up to the class sizes.</summary>
    public DensityRatioClassifier Theta { get; } = theta;

    /// <summary>The x classifier: its odds estimate p̃(x)/p(x) (class 1) or p(x)/p̃(x) (class 0), up to the class sizes.</summary>
    public DensityRatioClassifier X { get; } = x;

    /// <summary>w(θ, x) ≈ π(θ)/π̃(θ) · p̃(x)/p(x) for each real pair (the impwts correction).</summary>
    /// <param name="theta">Real θ, n × d_θ, in the prior's space.</param>
    /// <param name="x">The paired x, n × d_x.</param>
    /// <exception cref="ArgumentException">The two matrices differ in row count, or a column count does not match its classifier.</exception>
    public double[] Weights(float[,] theta, float[,] x) => Product(Theta.Odds(theta, 0), X.Odds(x, 1));

    /// <summary>w̄(θ', x) ≈ π̃(θ')/π(θ') · p(x)/p̃(x) for each generated pair (the invimpwts and energy-based corrections).</summary>
    /// <param name="generatedTheta">Generated θ', n × d_θ, in the prior's space.</param>
    /// <param name="x">The x each θ' was generated for, n × d_x.</param>
    /// <exception cref="ArgumentException">The two matrices differ in row count, or a column count does not match its classifier.</exception>
    public double[] InverseWeights(float[,] generatedTheta, float[,] x) => Product(Theta.Odds(generatedTheta, 1), X.Odds(x, 0));

    private static double[] Product(double[] a, double[] b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"θ has {a.Length} rows but x has {b.Length}; each θ row pairs with the x row of the same index.");
        var result = new double[a.Length];
        for (int i = 0; i < a.Length; i++) result[i] = a[i] * b[i];
        return result;
    }

    /// <summary>Disposes both classifiers.</summary>
    public void Dispose()
    {
        Theta.Dispose();
        X.Dispose();
    }
}
