using Gatsbi.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatsbi.Inference.Gatsbi;

/// <summary>
/// The energy score ES(q, θ) = E‖Θ − θ‖ − ½ E‖Θ − Θ′‖ with Θ, Θ′ ~ q independent (Gneiting and Raftery
/// 2007), estimated from generator samples. It is a strictly proper scoring rule: its mean over pairs
/// (θ, x) from the joint is minimised only when q(· | x) is the true posterior for (almost) every x. That
/// makes it both a training signal that rewards calibrated width (unlike the adversarial loss, it has no
/// opponent to oscillate against) and a hold-out measure of posterior quality that needs no reference
/// samples. Lower is better; compute it on standardised θ so that no parameter dominates the distances.
/// </summary>
public static class EnergyScore
{
    /// <summary>
    /// Mean over rows of the unbiased estimate from <paramref name="samples"/> (rows × m × d, m ≥ 2 draws
    /// per row) for the true values <paramref name="theta"/> (rows × d).
    /// </summary>
    /// <returns>A scalar tensor, owned by the caller, that keeps the gradient graph to <paramref name="samples"/>.</returns>
    /// <exception cref="ArgumentException">The shapes do not match, or there are fewer than 2 draws per row.</exception>
    public static Tensor Estimate(Tensor samples, Tensor theta)
    {
        if (samples.dim() != 3 || theta.dim() != 2 || samples.shape[0] != theta.shape[0] || samples.shape[2] != theta.shape[1])
            throw new ArgumentException($"Energy score needs samples (rows × m × d) and θ (rows × d); got [{string.Join(", ", samples.shape)}] and [{string.Join(", ", theta.shape)}].");
        long m = samples.shape[1];
        if (m < 2) throw new ArgumentException($"Energy score needs at least 2 samples per row; got {m}.");
        using var scope = NewDisposeScope();
        var toTruth = Norm(samples.Minus(theta.unsqueeze(1))).mean();
        // All ordered pairs j ≠ k: the diagonal of the pairwise distance matrix is zero, so summing it all
        // and dividing by m(m − 1) gives the unbiased mean over distinct pairs.
        var pairwise = Norm(samples.unsqueeze(2).Minus(samples.unsqueeze(1))).sum([1, 2]).div_(TorchScalars.Of(m * (m - 1))).mean();
        return toTruth.Minus(pairwise.mul_(TorchScalars.Of(0.5))).MoveToOuterDisposeScope();
    }

    /// <summary>The two-sample estimate for a batch: ½(‖a − θ‖ + ‖b − θ‖) − ½‖a − b‖, averaged over rows.</summary>
    /// <param name="a">One draw per row, rows × d.</param>
    /// <param name="b">A second, independent draw per row, rows × d.</param>
    /// <param name="theta">The true values, rows × d.</param>
    /// <returns>A scalar tensor, owned by the caller, that keeps the gradient graph to <paramref name="a"/> and <paramref name="b"/>.</returns>
    public static Tensor Estimate(Tensor a, Tensor b, Tensor theta)
    {
        using var scope = NewDisposeScope();
        return Estimate(stack([a, b], 1), theta).MoveToOuterDisposeScope();
    }

    /// <summary>Euclidean norm over the last axis, with a tiny floor inside the square root so its gradient stays finite at zero.</summary>
    private static Tensor Norm(Tensor differences) =>
        differences.square().sum(-1).PlusInPlace(1e-12).sqrt_();
}
