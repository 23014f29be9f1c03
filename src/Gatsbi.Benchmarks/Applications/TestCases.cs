using Gatsbi.Posteriors;
using Gatsbi.Randomness;
using Gatsbi.Simulation;

namespace Gatsbi.Benchmarks.Applications;

/// <summary>A held-out simulation (θ*, x) and posterior samples for its x; <see cref="Mean"/> and <see cref="Std"/> summarise them per parameter.</summary>
public sealed record TestCase(int Index, float[] Theta, float[] X, float[,] Samples)
{
    private readonly (double[] Mean, double[] Std) _moments = ColumnMoments(Samples);

    public double[] Mean => _moments.Mean;
    public double[] Std => _moments.Std;

    /// <summary>Mean squared difference between the posterior mean and θ*.</summary>
    public double MeanSquaredError => MeanSquaredDifference(Mean, Theta);

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
