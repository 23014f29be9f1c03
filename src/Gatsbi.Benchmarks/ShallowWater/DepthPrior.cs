using Gatsbi.Distributions;

namespace Gatsbi.Benchmarks.ShallowWater;

/// <summary>
/// The Gaussian-process prior over the shallow-water depth profile (GATSBI paper, Ramesh et al. 2022, Section 4.2
/// and its appendix; gatsbi/task_utils/shallow_water_model/prior.py of github.com/mackelab/gatsbi), for the
/// <b>centred</b> parameter θ = d − 10 that the generator outputs: θ ~ N(0, Σ) with
/// Σᵢⱼ = 15 · exp(−(i − j)² / (2 · 100)), i, j = 0..99, i.e. marginal std √15 ≈ 3.87 m and a length-scale of 10
/// cells (τ = 100 enters as a squared length).
/// <para>
/// Σ is numerically singular (its smallest eigenvalues are at round-off level, some slightly negative), so plain
/// Cholesky fails. The original samples through numpy's SVD; here, as the original repository's baseline scripts do,
/// 1e-4 · I is added before the Cholesky factorisation. That adds variance 1e-4 (std 0.01 m) of white noise per
/// cell, far below the prior's 15 and the output rounding's effect on the data.
/// </para>
/// </summary>
public static class DepthPrior
{
    /// <summary>Number of cells, one θ per cell.</summary>
    public const int Dimension = ShallowWaterSolver.Cells;

    /// <summary>Mean depth μ in metres; θ = d − μ.</summary>
    public const double MeanDepth = 10;

    /// <summary>Marginal variance of every cell's depth (m²).</summary>
    public const double Variance = 15;

    /// <summary>τ in exp(−(i − j)² / (2τ)): the squared length-scale, in cells².</summary>
    public const double SquaredLengthScale = 100;

    /// <summary>Diagonal jitter that makes Σ factorisable by Cholesky.</summary>
    public const double Jitter = 1e-4;

    /// <summary>The prior covariance Σ as specified, without jitter.</summary>
    public static double[,] Covariance()
    {
        var covariance = new double[Dimension, Dimension];
        for (int i = 0; i < Dimension; i++)
            for (int j = 0; j < Dimension; j++)
                covariance[i, j] = Variance * Math.Exp(-(double)(i - j) * (i - j) / (2 * SquaredLengthScale));
        return covariance;
    }

    /// <summary>N(0, Σ + 1e-4 · I) over the centred depths θ = d − 10.</summary>
    public static MultivariateNormal Create()
    {
        var covariance = Covariance();
        for (int i = 0; i < Dimension; i++) covariance[i, i] += Jitter;
        return new MultivariateNormal(new double[Dimension], covariance);
    }
}
