using Gatsbi.Distributions;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Benchmarks.Tasks;

/// <summary>
/// sbibm's slcp ("simple likelihood, complex posterior"): θ ~ U([−3, 3]⁵); four i.i.d. draws from a 2-D
/// normal with mean (θ₁, θ₂), standard deviations θ₃² and θ₄², correlation tanh θ₅ and 1e−6 added to
/// the variances. x is the four draws flattened (x⁽¹⁾₁, x⁽¹⁾₂, …, x⁽⁴⁾₂). Only θ₃² and θ₄² enter, so the
/// posterior has four symmetric modes. Defined in sbibm/tasks/slcp/task.py of github.com/sbi-benchmark/sbibm.
/// </summary>
public sealed class Slcp : BenchmarkTask, ITractableLikelihood
{
    /// <summary>Independent 2-D draws per simulation; x holds 2 × 4 = 8 values.</summary>
    public const int Draws = 4;

    /// <inheritdoc/>
    public override string Name => "slcp";

    /// <inheritdoc/>
    public override string PriorDescription => "U([-3, 3]^5)";

    /// <summary>θ ~ U([−3, 3]⁵).</summary>
    public override IPrior Prior { get; } = new BoxUniform(5, -3f, 3f);

    /// <summary>Four draws from N((θ₁, θ₂), Σ(θ)) per row: 5 parameters to 8 values.</summary>
    public override ISimulator Simulator { get; } = new SlcpSimulator();

    /// <inheritdoc/>
    public override string[] ParameterNames { get; } = Storage.CsvMatrix.DefaultNames("parameter", 5);

    /// <summary>sbibm's budgets for slcp start at 1,000: {10³, 10⁴, 10⁵, 10⁶}.</summary>
    public override IReadOnlyList<int> SimulationBudgets { get; } = [1_000, 10_000, 100_000, 1_000_000];

    /// <summary>The exact log-likelihood.</summary>
    public override DataStatistic PlausibilityStatistic(float[] theta) => x => LogLikelihood(theta, x);

    /// <summary>The 2×2 covariance of one draw, as (Σ₁₁, Σ₁₂, Σ₂₂).</summary>
    public static (double S11, double S12, double S22) Covariance(ReadOnlySpan<float> theta)
    {
        double s1 = (double)theta[2] * theta[2], s2 = (double)theta[3] * theta[3];
        double rho = Math.Tanh(theta[4]);
        return (s1 * s1 + 1e-6, rho * s1 * s2, s2 * s2 + 1e-6);
    }

    /// <summary>
    /// Σₖ (x⁽ᵏ⁾ − m)ᵀ Σ⁻¹ (x⁽ᵏ⁾ − m) over the four draws: χ²₈-distributed when x comes from θ.
    /// </summary>
    public static double MahalanobisSum(ReadOnlySpan<float> theta, ReadOnlySpan<float> x)
    {
        var (s11, s12, s22) = Covariance(theta);
        double det = s11 * s22 - s12 * s12;
        double sum = 0;
        for (int k = 0; k < Draws; k++)
        {
            double d1 = x[2 * k] - (double)theta[0], d2 = x[2 * k + 1] - (double)theta[1];
            sum += (s22 * d1 * d1 - 2 * s12 * d1 * d2 + s11 * d2 * d2) / det;
        }
        return sum;
    }

    /// <inheritdoc cref="LogLikelihood(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    double ITractableLikelihood.LogLikelihood(ReadOnlySpan<float> theta, ReadOnlySpan<float> x) => LogLikelihood(theta, x);

    /// <summary>log p(x | θ), the tractable likelihood: a product of four bivariate normal densities.</summary>
    public static double LogLikelihood(ReadOnlySpan<float> theta, ReadOnlySpan<float> x)
    {
        var (s11, s12, s22) = Covariance(theta);
        double det = s11 * s22 - s12 * s12;
        return -0.5 * MahalanobisSum(theta, x) - Draws * (Math.Log(2 * Math.PI) + 0.5 * Math.Log(det));
    }

    /// <summary>Writes the eight SLCP values for one θ into <paramref name="x"/>.</summary>
    internal static void SimulateOne(ReadOnlySpan<float> theta, Span<float> x, Rng rng)
    {
        var (s11, s12, s22) = Covariance(theta);
        // Cholesky factor of the 2×2 covariance.
        double l11 = Math.Sqrt(s11), l21 = s12 / l11, l22 = Math.Sqrt(s22 - l21 * l21);
        for (int k = 0; k < Draws; k++)
        {
            double z1 = rng.Normal(), z2 = rng.Normal();
            x[2 * k] = (float)(theta[0] + l11 * z1);
            x[2 * k + 1] = (float)(theta[1] + l21 * z1 + l22 * z2);
        }
    }

    private sealed class SlcpSimulator : ISimulator
    {
        public int ParameterDimension => 5;
        public int DataDimension => 2 * Draws;

        public void Simulate(float[,] theta, float[,] x, Rng rng)
        {
            for (int i = 0; i < theta.GetLength(0); i++) SimulateOne(theta.Row(i), x.Row(i), rng);
        }
    }
}
