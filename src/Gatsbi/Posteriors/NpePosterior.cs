using Gatsbi.Distributions;
using Gatsbi.Native;
using Gatsbi.Nn.Flows;
using Gatsbi.Randomness;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatsbi.Posteriors;

/// <summary>
/// The posterior of neural posterior estimation: a conditional flow q(θ | x) restricted to the prior
/// support. Samples are drawn from the flow and those outside the support rejected, as sbi does; the
/// flow can put some mass outside ("leakage"), which <see cref="PosteriorSamples.AcceptanceRate"/> reports.
/// </summary>
public sealed class NpePosterior : INeuralPosterior
{
    /// <summary>Rows pushed through the flow at once; bounds memory for large requests.</summary>
    private const int ChunkRows = 16_384;

    public NpePosterior(ConditionalFlow flow, Support? support)
    {
        if (support is not null && support.Dimension != flow.ParameterDimension)
            throw new ArgumentException($"Support has dimension {support.Dimension}; the flow models {flow.ParameterDimension} parameters.");
        Flow = flow;
        Support = support;
    }

    public ConditionalFlow Flow { get; }
    public Support? Support { get; }
    public int ParameterDimension => Flow.ParameterDimension;
    public int DataDimension => Flow.DataDimension;

    /// <summary>
    /// The cap on proposals, as a multiple of the requested count. sbi draws until it has enough; the cap
    /// only guarantees that a posterior with almost all of its mass outside the support ends.
    /// </summary>
    public int MaxDrawFactor { get; init; } = 1_000;

    public PosteriorSamples Sample(ReadOnlySpan<float> observation, int count, ulong seed)
    {
        TorchRuntime.EnsureLoaded();
        ObservationChecks.RequireTrainedOn(observation, DataDimension);
        var x = observation.ToArray();
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var accepted = new List<float[]>(count);
        long drawn = 0, cap = (long)MaxDrawFactor * count;
        using var generator = new torch.Generator(Seeds.Derive(seed, Seeds.Streams.Sampling));
        Flow.eval();
        while (accepted.Count < count && drawn < cap)
        {
            int rows = (int)Math.Min(Math.Max(count - accepted.Count, Math.Min(count, 1_000)), ChunkRows);
            drawn += rows;
            float[] flat;
            using (NewDisposeScope())
            using (no_grad())
            {
                var xs = tensor(x).unsqueeze(0).expand(rows, x.Length);
                flat = Flow.Sample(xs, generator).contiguous().data<float>().ToArray();
            }
            for (int i = 0; i < rows && accepted.Count < count; i++)
            {
                var row = flat.AsSpan(i * ParameterDimension, ParameterDimension);
                if (Support is null || Support.Contains(row)) accepted.Add(row.ToArray());
            }
        }
        return new PosteriorSamples(Matrices.FromRows(accepted, ParameterDimension), count, drawn, drawn - accepted.Count);
    }

    /// <summary>
    /// log q(θ | x_o) for each row of <paramref name="theta"/>; −∞ outside the support. Inside, it is the
    /// flow's density, not renormalised for the mass the flow puts outside the support.
    /// </summary>
    public double[] LogDensity(float[,] theta, ReadOnlySpan<float> observation)
    {
        TorchRuntime.EnsureLoaded();
        ObservationChecks.RequireTrainedOn(observation, DataDimension);
        var x = observation.ToArray();
        if (theta.GetLength(1) != ParameterDimension)
            throw new ArgumentException($"θ has {theta.GetLength(1)} columns; this posterior has {ParameterDimension} parameters.");
        int rows = theta.GetLength(0);
        var result = new double[rows];
        if (rows == 0) return result;
        Flow.eval();
        using (NewDisposeScope())
        using (no_grad())
        {
            var t = tensor(theta);
            var xs = tensor(x).unsqueeze(0).expand(rows, x.Length);
            var values = Flow.LogProb(t, xs).to_type(ScalarType.Float64).data<double>().ToArray();
            for (int i = 0; i < rows; i++)
                result[i] = Support is null || Support.Contains(theta.Row(i)) ? values[i] : double.NegativeInfinity;
        }
        return result;
    }

    public void Dispose() => Flow.Dispose();
}
