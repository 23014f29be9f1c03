using Gatsbi.Distributions;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Benchmarks.Tasks;

/// <summary>
/// sbibm's two_moons: θ ~ U([−1, 1]²); a ~ U(−π/2, π/2), r ~ N(0.1, 0.01²),
/// x = (r cos a + 0.25 − |θ₁ + θ₂|/√2, r sin a + (θ₂ − θ₁)/√2). The posterior has two crescent-shaped modes.
/// Defined in sbibm/tasks/two_moons/task.py of github.com/sbi-benchmark/sbibm.
/// </summary>
public sealed class TwoMoons : BenchmarkTask, IClosedFormPosterior, ITractableLikelihood
{
    /// <inheritdoc/>
    public override string Name => "two_moons";

    /// <inheritdoc/>
    public override string PriorDescription => "U([-1, 1]^2)";

    /// <summary>θ ~ U([−1, 1]²).</summary>
    public override IPrior Prior { get; } = new BoxUniform(2, -1f, 1f);

    /// <summary>The crescent simulator: 2 parameters to 2 values; within a batch all angles a are drawn before all radii r, as sbibm does.</summary>
    public override ISimulator Simulator { get; } = new TwoMoonsSimulator();

    /// <inheritdoc/>
    public override string[] ParameterNames { get; } = ["parameter_1", "parameter_2"];

    /// <summary>The exact log-likelihood (<see cref="LogLikelihood"/>).</summary>
    public override DataStatistic PlausibilityStatistic(float[] theta)
    {
        var copy = theta.ToArray();
        return x => LogLikelihood(copy, x);
    }

    /// <summary>
    /// The exact log-likelihood. x − p(θ) − (0.25, 0) = (r cos a, r sin a) with a ~ U(−π/2, π/2) and
    /// r ~ N(0.1, 0.01²), p(θ) = (−|θ₁ + θ₂|/√2, (θ₂ − θ₁)/√2); in polar coordinates (ρ, φ) of that point the
    /// density is N(r; 0.1, 0.01²)·(1/π)/ρ, with r = ρ on the right half-plane (|a| &lt; π/2) and r = −ρ on the
    /// left, where only a negative radius, ten standard deviations below the mean, can reach.
    /// </summary>
    public double LogLikelihood(ReadOnlySpan<float> theta, ReadOnlySpan<float> x)
    {
        double u = x[0] + Math.Abs((double)theta[0] + theta[1]) / Math.Sqrt(2) - 0.25;
        double v = x[1] - ((double)theta[1] - theta[0]) / Math.Sqrt(2);
        double rho = Math.Sqrt(u * u + v * v);
        double r = u >= 0 ? rho : -rho;
        double z = (r - 0.1) / 0.01;
        return -0.5 * z * z - Math.Log(0.01 * Math.Sqrt(2 * Math.PI)) - Math.Log(Math.PI) - Math.Log(rho);
    }

    /// <summary>
    /// Exact posterior samples by inverting the generative process, as sbibm made its references: draw a
    /// fresh (a, r), solve for θ, flip the sign of |θ₁ + θ₂| with probability ½, and keep draws inside the
    /// prior box. Exact whenever x₁ ≤ 0.25, which holds for all ten observations.
    /// </summary>
    public float[,] SamplePosterior(ReadOnlySpan<float> observation, int count, Rng rng)
    {
        var samples = new float[count, 2];
        double s = Math.Sqrt(0.5);
        for (int i = 0; i < count;)
        {
            double a = rng.Uniform(-Math.PI / 2, Math.PI / 2);
            double r = rng.Normal(0.1, 0.01);
            double q0 = r * Math.Cos(a) + 0.25 - observation[0];
            double q1 = observation[1] - r * Math.Sin(a);
            if (rng.NextDouble() < 0.5) q0 = -q0;
            float t1 = (float)((q0 - q1) * s), t2 = (float)((q0 + q1) * s);
            if (Math.Abs(t1) > 1 || Math.Abs(t2) > 1) continue;
            samples[i, 0] = t1;
            samples[i, 1] = t2;
            i++;
        }
        return samples;
    }

    private sealed class TwoMoonsSimulator : ISimulator
    {
        public int ParameterDimension => 2;
        public int DataDimension => 2;

        public void Simulate(float[,] theta, float[,] x, Rng rng)
        {
            int n = theta.GetLength(0);
            // sbibm draws all angles of a batch first, then all radii.
            var a = new double[n];
            for (int i = 0; i < n; i++) a[i] = rng.Uniform(-Math.PI / 2, Math.PI / 2);
            for (int i = 0; i < n; i++)
            {
                double r = rng.Normal(0.1, 0.01);
                float t1 = theta[i, 0], t2 = theta[i, 1];
                x[i, 0] = (float)(r * Math.Cos(a[i]) + 0.25 - Math.Abs(t1 + t2) / Math.Sqrt(2));
                x[i, 1] = (float)(r * Math.Sin(a[i]) + (t2 - t1) / Math.Sqrt(2));
            }
        }
    }
}
