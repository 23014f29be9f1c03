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
}

/// <summary>
/// Loss formulas of GATSBI, computed from discriminator logits. The log terms use ε = 1e-8 inside the
/// logarithm exactly as the reference implementation; every loss is the mean over all elements.
/// </summary>
public static class GatsbiLoss
{
    public const float LogEpsilon = 1e-8f;

    /// <summary>Discriminator loss from logits on real and fake pairs.</summary>
    public static Tensor Discriminator(GatsbiLossKind kind, Tensor realLogits, Tensor fakeLogits)
    {
        using var scope = NewDisposeScope();
        var dReal = sigmoid(realLogits);
        var dFake = sigmoid(fakeLogits);
        Tensor loss = kind switch
        {
            GatsbiLossKind.Wasserstein => dReal.mean().Minus(dFake.mean()),
            _ => LogOf(dReal).mean().neg().Minus(LogOneMinus(dFake).mean()),
        };
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>Generator loss (to be minimised) from discriminator logits on fake pairs.</summary>
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
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>log(d + ε).</summary>
    private static Tensor LogOf(Tensor d) => d.Plus(LogEpsilon).log();

    /// <summary>log(1 − d + ε), evaluated in that order as the reference implementation does.</summary>
    private static Tensor LogOneMinus(Tensor d) => d.neg().PlusInPlace(1.0).PlusInPlace(LogEpsilon).log();
}
