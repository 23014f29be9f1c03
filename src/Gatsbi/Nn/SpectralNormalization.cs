using static TorchSharp.torch;

namespace Gatsbi.Nn;

/// <summary>
/// The power iteration shared by the spectrally normalised layers, as PyTorch's hook-based
/// <c>spectral_norm</c> does it with its defaults: one step per training-mode call, eps 1e-12, the weight
/// seen as a matrix (out, everything else).
/// </summary>
internal static class SpectralNormalization
{
    public const double Eps = 1e-12;

    /// <summary>A random unit vector of length <paramref name="length"/> for u or v.</summary>
    public static Tensor StartVector(long length) => nn.functional.normalize(randn(length), p: 2, dim: 0, eps: Eps);

    /// <summary>
    /// σ = uᵀWv for the matrix <paramref name="matrix"/>, after one power step on u and v when
    /// <paramref name="training"/>. The gradient flows through W only (u and v are constants), as in PyTorch.
    /// </summary>
    public static Tensor Sigma(Tensor matrix, Tensor u, Tensor v, bool training)
    {
        if (training)
        {
            using var _ = no_grad();
            using var wtu = matrix.t().mv(u);
            using var nextV = nn.functional.normalize(wtu, p: 2, dim: 0, eps: Eps);
            using var wv = matrix.mv(nextV);
            using var nextU = nn.functional.normalize(wv, p: 2, dim: 0, eps: Eps);
            v.copy_(nextV);
            u.copy_(nextU);
        }
        // Clones, because the next training-mode call updates the buffers in place while this call's graph still needs them.
        using var u0 = u.clone();
        using var v0 = v.clone();
        using var wv0 = matrix.mv(v0);
        return u0.dot(wv0);
    }
}
