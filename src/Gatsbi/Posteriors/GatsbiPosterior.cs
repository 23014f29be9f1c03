using Gatsbi.Distributions;
using Gatsbi.Native;
using Gatsbi.Nn;
using Gatsbi.Randomness;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatsbi.Posteriors;

/// <summary>
/// The posterior of a trained GATSBI generator: θ = G(x_o, z) with z ~ N(0, I). Samples outside the prior
/// support are rejected and redrawn, as the reference implementation does: each pass redraws exactly the
/// shortfall, and drawing stops once <see cref="MaxDrawFactor"/> × the requested count proposals were made.
/// </summary>
public sealed class GatsbiPosterior : IPosterior, IDisposable
{
    /// <summary>Rows pushed through the generator at once; bounds memory for large requests.</summary>
    private const int ChunkRows = 65_536;

    public GatsbiPosterior(ConditionalGenerator generator, Support? support)
    {
        if (support is not null && support.Dimension != generator.ParameterDimension)
            throw new ArgumentException($"Support has dimension {support.Dimension}; the generator outputs {generator.ParameterDimension} parameters.");
        Generator = generator;
        Support = support;
    }

    public ConditionalGenerator Generator { get; }
    public Support? Support { get; }
    public int ParameterDimension => Generator.ParameterDimension;
    public int DataDimension => Generator.DataDimension;

    /// <summary>The cap on proposals, as a multiple of the requested count (10 in the reference implementation).</summary>
    public int MaxDrawFactor { get; init; } = 10;

    public PosteriorSamples Sample(ReadOnlySpan<float> observation, int count, ulong seed)
    {
        TorchRuntime.EnsureLoaded();
        if (observation.Length != DataDimension)
            throw new ArgumentException($"The observation has {observation.Length} values; this posterior was trained on data of dimension {DataDimension}.");
        for (int j = 0; j < observation.Length; j++)
            if (!float.IsFinite(observation[j])) throw new ArgumentException($"Observation value {j + 1} is {observation[j]}; it must be finite.");
        ArgumentOutOfRangeException.ThrowIfNegative(count);

        var accepted = new List<float[]>(count);
        long drawn = 0, cap = (long)MaxDrawFactor * count;
        var x = observation.ToArray();
        using var generator = new torch.Generator(Seeds.Derive(seed, Seeds.Streams.Sampling));
        bool wasTraining = Generator.training;
        Generator.eval();
        try
        {
            while (accepted.Count < count && drawn < cap)
            {
                int need = (int)Math.Min(count - accepted.Count, ChunkRows);
                drawn += need;
                foreach (var row in Propose(x, need, generator))
                    if (Support is null || Support.Contains(row)) accepted.Add(row);
            }
        }
        finally
        {
            Generator.train(wasTraining);
        }
        return new PosteriorSamples(Matrices.FromRows(accepted, ParameterDimension), count, drawn, drawn - accepted.Count);
    }

    private IEnumerable<float[]> Propose(float[] observation, int rows, torch.Generator generator)
    {
        float[] flat;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var xs = tensor(observation).unsqueeze(0).expand(rows, observation.Length);
            var z = randn([rows, Generator.LatentDimension], generator: generator);
            flat = Generator.Forward(xs, z).contiguous().data<float>().ToArray();
        }
        int d = ParameterDimension;
        for (int i = 0; i < rows; i++) yield return flat.AsSpan(i * d, d).ToArray();
    }

    public void Dispose() => Generator.Dispose();
}
