using Gatsbi.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatsbi.Inference.Gatsbi;

/// <summary>The adversarial objective.</summary>
public enum GatsbiLossKind
{
    /// <summary>The published default: binary cross-entropy for D, the saturating minimax log(1 − D(fake)) for G.</summary>
    CrossEntropy,

    /// <summary>Cross-entropy for D, the non-saturating −log D(fake) for G (Goodfellow et al. 2014): same fixed point, stronger early gradients.</summary>
    NonSaturating,

    /// <summary>The "LFVI" reverse-KL surrogate for G: log(1 − D) − log D; cross-entropy for D.</summary>
    KlDiv,

    /// <summary>The published Wasserstein form on the sigmoid output: D minimises d_real − d_fake, G minimises d_fake.</summary>
    Wasserstein,

    /// <summary>Hinge loss on logits (Lim and Ye 2017, as in SN-GAN and BigGAN): D minimises relu(1 − r) + relu(1 + f), G minimises −f.</summary>
    Hinge,

    /// <summary>Least squares on logits (LSGAN, Mao et al. 2017): D regresses real to 1 and fake to 0, G regresses fake to 1.</summary>
    LeastSquares,

    /// <summary>
    /// Wasserstein critic on logits with a gradient penalty (WGAN-GP, Gulrajani et al. 2017): D minimises
    /// f − r + λ (‖∇_θ D(θ̂, x)‖ − 1)² at random interpolates θ̂ of real and fake θ for the same x, G minimises −f.
    /// The penalty is added by the trainer (it needs the network); use it without spectral normalisation.
    /// </summary>
    WassersteinGp,
}

/// <summary>
/// Loss formulas of GATSBI, computed from discriminator logits. The log terms use ε = 1e-8 inside the
/// logarithm exactly as the original GATSBI code (github.com/mackelab/gatsbi, gatsbi/utils/loss_funcns.py);
/// every loss is the mean over all elements. Each method returns a new scalar tensor that the caller owns and
/// must dispose; the input tensors are not disposed, and the gradient graph to them is kept.
/// </summary>
public static class GatsbiLoss
{
    /// <summary>ε added inside every logarithm, log(d + ε) and log(1 − d + ε), so that a saturated sigmoid gives a finite loss.</summary>
    public const float LogEpsilon = 1e-8f;

    /// <summary>Discriminator loss from logits on real and fake pairs.</summary>
    /// <param name="kind">The objective; <see cref="GatsbiLossKind.CrossEntropy"/>, <see cref="GatsbiLossKind.NonSaturating"/> and <see cref="GatsbiLossKind.KlDiv"/> share the cross-entropy discriminator loss.</param>
    /// <param name="realLogits">D's logits on (θ, x) pairs from the simulator, any shape (typically B × 1).</param>
    /// <param name="fakeLogits">D's logits on (G(x, z), x) pairs, any shape; it may differ in size from <paramref name="realLogits"/>, since each term is averaged separately.</param>
    /// <returns>The scalar loss to minimise. For <see cref="GatsbiLossKind.WassersteinGp"/> the gradient penalty is not included.</returns>
    public static Tensor Discriminator(GatsbiLossKind kind, Tensor realLogits, Tensor fakeLogits)
    {
        using var scope = NewDisposeScope();
        // Only the cross-entropy family and the published Wasserstein form read σ(logit); the others work on logits.
        var dReal = sigmoid(realLogits);
        var dFake = sigmoid(fakeLogits);
        Tensor loss = kind switch
        {
            GatsbiLossKind.Wasserstein => dReal.mean().Minus(dFake.mean()),
            GatsbiLossKind.Hinge => realLogits.neg().PlusInPlace(1.0).relu_().mean().Plus(fakeLogits.Plus(1.0).relu_().mean()),
            GatsbiLossKind.LeastSquares => realLogits.Plus(-1.0).square().mean().Plus(fakeLogits.square().mean()).mul_(TorchScalars.Of(0.5)),
            GatsbiLossKind.WassersteinGp => fakeLogits.mean().Minus(realLogits.mean()),
            _ => LogOf(dReal).mean().neg().Minus(LogOneMinus(dFake).mean()),
        };
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>Generator loss (to be minimised) from discriminator logits on fake pairs.</summary>
    /// <param name="kind">The objective.</param>
    /// <param name="fakeLogits">D's logits on (G(x, z), x) pairs, any shape (typically B × 1).</param>
    /// <returns>The scalar loss to minimise.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined <see cref="GatsbiLossKind"/>.</exception>
    public static Tensor Generator(GatsbiLossKind kind, Tensor fakeLogits)
    {
        using var scope = NewDisposeScope();
        var dFake = sigmoid(fakeLogits);
        Tensor loss = kind switch
        {
            GatsbiLossKind.CrossEntropy => LogOneMinus(dFake).mean(),
            GatsbiLossKind.NonSaturating => LogOf(dFake).mean().neg(),
            GatsbiLossKind.KlDiv => LogOneMinus(dFake).Minus(LogOf(dFake)).mean(),
            GatsbiLossKind.Wasserstein => dFake.mean(),
            GatsbiLossKind.Hinge or GatsbiLossKind.WassersteinGp => fakeLogits.mean().neg(),
            GatsbiLossKind.LeastSquares => fakeLogits.Plus(-1.0).square().mean().mul_(TorchScalars.Of(0.5)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The cross-entropy discriminator loss of sequential GATSBI with per-sample weights:
    /// mean_i [−a_i log(d_real,i + ε) − b_i log(1 − d_fake,i + ε)]. A null weight vector means all ones. Weights
    /// are matched to the logits row by row (the original's sequential optimiser, gatsbi/optimize/sequential.py, multiplied a (B) vector with (B, 1)
    /// outputs, which broadcast to (B, B) and replaced every weight by the batch mean).
    /// </summary>
    /// <param name="realLogits">D's logits on real pairs, B_r elements in any shape.</param>
    /// <param name="fakeLogits">D's logits on fake pairs, B_f elements in any shape.</param>
    /// <param name="realWeights">a_i, one per real logit (any shape with B_r elements), or null for all ones; treated as constants.</param>
    /// <param name="fakeWeights">b_i, one per fake logit (any shape with B_f elements), or null for all ones; treated as constants.</param>
    /// <returns>The scalar loss to minimise.</returns>
    /// <exception cref="ArgumentException">A weight vector's element count differs from its logits'.</exception>
    public static Tensor WeightedDiscriminator(Tensor realLogits, Tensor fakeLogits, Tensor? realWeights, Tensor? fakeWeights)
    {
        using var scope = NewDisposeScope();
        var real = Weighted(LogOf(sigmoid(realLogits)), realWeights);
        var fake = Weighted(LogOneMinus(sigmoid(fakeLogits)), fakeWeights);
        return real.mean().neg().Minus(fake.mean()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The matching generator loss with per-sample weights on the fake term: mean_i b_i log(1 − d_fake,i + ε)
    /// for <see cref="GatsbiLossKind.CrossEntropy"/>, or the non-saturating mean_i −b_i log(d_fake,i + ε), whose
    /// optimum is the same weighted fake distribution. The other losses have no weighted form.
    /// </summary>
    /// <param name="kind"><see cref="GatsbiLossKind.CrossEntropy"/> or <see cref="GatsbiLossKind.NonSaturating"/>.</param>
    /// <param name="fakeLogits">D's logits on fake pairs, B elements in any shape.</param>
    /// <param name="fakeWeights">b_i, one per logit, or null for all ones.</param>
    /// <returns>The scalar loss to minimise.</returns>
    /// <exception cref="ArgumentException"><paramref name="kind"/> has no weighted form, or the weight count differs from the logit count.</exception>
    public static Tensor WeightedGenerator(GatsbiLossKind kind, Tensor fakeLogits, Tensor? fakeWeights)
    {
        using var scope = NewDisposeScope();
        var dFake = sigmoid(fakeLogits);
        Tensor loss = kind switch
        {
            GatsbiLossKind.CrossEntropy => Weighted(LogOneMinus(dFake), fakeWeights).mean(),
            GatsbiLossKind.NonSaturating => Weighted(LogOf(dFake), fakeWeights).mean().neg(),
            _ => throw new ArgumentException($"Per-sample weights are defined for the cross-entropy losses only; got {kind}."),
        };
        return loss.MoveToOuterDisposeScope();
    }

    private static Tensor Weighted(Tensor perSample, Tensor? weights)
    {
        var flat = perSample.reshape(-1);
        if (weights is null) return flat;
        if (weights.numel() != flat.numel())
            throw new ArgumentException($"{weights.numel()} weights for {flat.numel()} discriminator outputs; give one weight per sample.");
        return flat.mul(weights.reshape(-1).to_type(flat.dtype));
    }

    /// <summary>log(d + ε).</summary>
    private static Tensor LogOf(Tensor d) => d.Plus(LogEpsilon).log();

    /// <summary>log(1 − d + ε), evaluated in that order as the reference implementation does.</summary>
    private static Tensor LogOneMinus(Tensor d) => d.neg().PlusInPlace(1.0).PlusInPlace(LogEpsilon).log();
}
