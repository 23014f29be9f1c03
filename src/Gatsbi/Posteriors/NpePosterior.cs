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
public sealed class NpePosterior : INeuralPosterior, IDensityPosterior
{
    /// <summary>Rows pushed through the flow at once; bounds memory for large requests.</summary>
    private const int ChunkRows = 16_384;

    /// <summary>The posterior of a trained flow; it takes ownership of <paramref name="flow"/> and disposes it.</summary>
    /// <param name="flow">The trained conditional density estimator q(θ | x).</param>
    /// <param name="support">The prior's support box, outside which samples are rejected; null accepts every sample.</param>
    /// <exception cref="ArgumentException"><paramref name="support"/> has a dimension other than the flow's parameters.</exception>
    public NpePosterior(ConditionalFlow flow, Support? support)
    {
        if (support is not null && support.Dimension != flow.ParameterDimension)
            throw new ArgumentException($"Support has dimension {support.Dimension}; the flow models {flow.ParameterDimension} parameters.");
        Flow = flow;
        Support = support;
    }

    /// <summary>The trained flow q(θ | x).</summary>
    public ConditionalFlow Flow { get; }

    /// <summary>The box samples must lie strictly inside, or null when every sample is accepted.</summary>
    public Support? Support { get; }

    /// <inheritdoc/>
    public int ParameterDimension => Flow.ParameterDimension;

    /// <inheritdoc/>
    public int DataDimension => Flow.DataDimension;

    /// <summary>
    /// The cap on proposals, as a multiple of the requested count. sbi draws until it has enough; the cap
    /// only guarantees that a posterior with almost all of its mass outside the support ends.
    /// </summary>
    public int MaxDrawFactor { get; init; } = 1_000;

    /// <summary>
    /// Draws up to <paramref name="count"/> samples for <paramref name="observation"/> from the flow, rejecting
    /// those outside <see cref="Support"/>; fewer come back only when the proposal cap is reached. The same seed
    /// gives the same samples.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="observation"/> does not have <see cref="DataDimension"/> values, or holds NaN or ±∞.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
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
    /// <param name="theta">Points to evaluate, rows × <see cref="ParameterDimension"/>.</param>
    /// <param name="observation">x_o, <see cref="DataDimension"/> finite values.</param>
    /// <exception cref="ArgumentException">The observation has the wrong length or a non-finite value, or <paramref name="theta"/> has the wrong column count.</exception>
    public double[] LogProb(float[,] theta, ReadOnlySpan<float> observation)
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

    /// <summary>Disposes the flow.</summary>
    public void Dispose() => Flow.Dispose();
}
