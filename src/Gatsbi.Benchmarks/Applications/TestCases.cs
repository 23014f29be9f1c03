using Gatsbi.Posteriors;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Benchmarks.Applications;

/// <summary>A held-out simulation (θ*, x) and posterior samples for its x; <see cref="Mean"/> and <see cref="Std"/> summarise them per parameter.</summary>
/// <param name="Index">The case's number, counted from 1.</param>
/// <param name="Theta">The true parameters θ* the case was simulated from.</param>
/// <param name="X">The simulated observation x.</param>
/// <param name="Samples">Posterior samples for <see cref="X"/>: samples × parameters.</param>
public sealed record TestCase(int Index, float[] Theta, float[] X, float[,] Samples)
{
    private readonly (double[] Mean, double[] Std) _moments = ColumnMoments(Samples);

    /// <summary>Posterior mean per parameter (NaN without samples), computed once when the case is made.</summary>
    public double[] Mean => _moments.Mean;

    /// <summary>Posterior standard deviation per parameter, with the n − 1 divisor (NaN with fewer than two samples).</summary>
    public double[] Std => _moments.Std;

    /// <summary>Mean squared difference between the posterior mean and θ*.</summary>
    public double MeanSquaredError => MeanSquaredDifference(Mean, Theta);

    /// <summary>(1/n) Σᵢ (aᵢ − bᵢ)² over the n entries of two vectors of equal length.</summary>
    /// <exception cref="ArgumentException">The vectors differ in length.</exception>
    public static double MeanSquaredDifference(IReadOnlyList<double> a, IReadOnlyList<float> b)
    {
        if (a.Count != b.Count) throw new ArgumentException($"Vectors of {a.Count} and {b.Count} values cannot be compared.");
        double sum = 0;
        for (int i = 0; i < a.Count; i++) sum += (a[i] - b[i]) * (a[i] - b[i]);
        return sum / a.Count;
    }

    private static (double[] Mean, double[] Std) ColumnMoments(float[,] samples)
    {
        int n = samples.GetLength(0), d = samples.GetLength(1);
        var mean = new double[d];
        var std = new double[d];
        for (int j = 0; j < d; j++)
        {
            double sum = 0, squares = 0;
            for (int s = 0; s < n; s++)
            {
                sum += samples[s, j];
                squares += (double)samples[s, j] * samples[s, j];
            }
            mean[j] = n > 0 ? sum / n : double.NaN;
            std[j] = n > 1 ? Math.Sqrt(Math.Max(0, (squares - n * mean[j] * mean[j]) / (n - 1))) : double.NaN;
        }
        return (mean, std);
    }
}

/// <summary>
/// Held-out test simulations of an application: parameters from its <see cref="ApplicationModel.TestPrior"/>,
/// data from its simulator, on random streams of their own (the observation stream of the root seed), so they
/// are never among the training simulations of the same seed.
/// </summary>
public static class TestCases
{
    /// <summary>Simulates <paramref name="count"/> test cases and draws <paramref name="samples"/> posterior samples for each.</summary>
    /// <param name="model">The application: its <see cref="ApplicationModel.TestPrior"/> and simulator make the cases.</param>
    /// <param name="posterior">The trained posterior to sample.</param>
    /// <param name="count">Test cases, at least 1.</param>
    /// <param name="samples">Posterior samples per case, at least 2 (so that a standard deviation exists).</param>
    /// <param name="seed">Root seed: the cases are simulated on its observation stream, and case i's samples on a stream derived from that and i.</param>
    /// <param name="progress">Receives one report per case sampled; may be null.</param>
    /// <param name="cancellation">Checked before each case.</param>
    /// <returns>The cases in order, <see cref="TestCase.Index"/> 1..<paramref name="count"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1 or <paramref name="samples"/> below 2.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was signalled.</exception>
    public static IReadOnlyList<TestCase> Draw(ApplicationModel model, IPosterior posterior, int count, int samples, ulong seed,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 2);
        ulong stream = Seeds.Derive(seed, Seeds.Streams.Observation);
        var pairs = new SimulationRunner().Run(model.TestPrior, model.Simulator, count, stream);
        var cases = new List<TestCase>(count);
        for (int i = 0; i < count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var x = pairs.X.Row(i).ToArray();
            var drawn = posterior.Sample(x, samples, Seeds.Derive(stream, Seeds.Streams.Sampling, (ulong)i));
            cases.Add(new TestCase(i + 1, pairs.Theta.Row(i).ToArray(), x, drawn.Samples));
            progress?.Report(new WorkProgress(i + 1, count, "sampling test cases"));
        }
        return cases;
    }
}
