using Gatsbi.Distributions;
using Gatsbi.Native;
using Gatsbi.Nn;
using Gatsbi.Randomness;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatsbi.Posteriors;

/// <summary>
/// The posterior of a trained GATSBI generator: θ = G(x_o, z) with z ~ N(0, I). Samples outside the prior
/// support are rejected and redrawn, as the original GATSBI code does (github.com/mackelab/gatsbi,
/// gatsbi/task_utils/benchmarks/make_results.py): each pass redraws exactly the
/// shortfall, and drawing stops once <see cref="MaxDrawFactor"/> × the requested count proposals were made.
/// An ensemble of generators trained independently is the equal-weight mixture of their posteriors: each
/// member draws an equal share of the samples (the first members one more when the count does not divide).
/// </summary>
public sealed class GatsbiPosterior : INeuralPosterior
{
    /// <summary>The posterior of one generator; it takes ownership of <paramref name="generator"/> and disposes it.</summary>
    /// <param name="generator">The trained generator.</param>
    /// <param name="support">The prior's support box, outside which samples are rejected; null accepts every sample.</param>
    /// <exception cref="ArgumentException"><paramref name="support"/> has a dimension other than the generator's output.</exception>
    public GatsbiPosterior(GeneratorNetwork generator, Support? support) : this([generator], support)
    {
    }

    /// <summary>The equal-weight mixture of <paramref name="members"/>; it takes ownership of them and disposes them.</summary>
    /// <param name="members">Trained generators with the same parameter and data dimensions; at least one.</param>
    /// <param name="support">The prior's support box, outside which samples are rejected; null accepts every sample.</param>
    /// <exception cref="ArgumentException"><paramref name="members"/> is empty, the members' dimensions differ, or <paramref name="support"/> has the wrong dimension.</exception>
    public GatsbiPosterior(IReadOnlyList<GeneratorNetwork> members, Support? support)
    {
        if (members.Count == 0) throw new ArgumentException("A GATSBI posterior needs at least one generator.");
        var first = members[0];
        foreach (var m in members)
            if (m.ParameterDimension != first.ParameterDimension || m.DataDimension != first.DataDimension)
                throw new ArgumentException($"Ensemble members must share their dimensions; got x {m.DataDimension} → θ {m.ParameterDimension} beside x {first.DataDimension} → θ {first.ParameterDimension}.");
        if (support is not null && support.Dimension != first.ParameterDimension)
            throw new ArgumentException($"Support has dimension {support.Dimension}; the generator outputs {first.ParameterDimension} parameters.");
        Members = [.. members];
        Support = support;
    }

    /// <summary>The generators of the mixture; one unless the posterior is an ensemble.</summary>
    public IReadOnlyList<GeneratorNetwork> Members { get; }

    /// <summary>The first (for a single model, the only) generator.</summary>
    public GeneratorNetwork Generator => Members[0];

    /// <summary>The box samples must lie strictly inside, or null when every sample is accepted.</summary>
    public Support? Support { get; }

    /// <inheritdoc/>
    public int ParameterDimension => Generator.ParameterDimension;

    /// <inheritdoc/>
    public int DataDimension => Generator.DataDimension;

    /// <summary>The cap on proposals, as a multiple of the requested count (10 in the original GATSBI code).</summary>
    public int MaxDrawFactor { get; init; } = 10;

    /// <summary>
    /// Draws up to <paramref name="count"/> samples for <paramref name="observation"/>, rejecting those outside
    /// <see cref="Support"/>; fewer come back when the proposal cap is reached. The same seed gives the same
    /// samples; member m of an ensemble draws from its own stream derived from it.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="observation"/> does not have <see cref="DataDimension"/> values, or holds NaN or ±∞.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public PosteriorSamples Sample(ReadOnlySpan<float> observation, int count, ulong seed)
    {
        TorchRuntime.EnsureLoaded();
        ObservationChecks.RequireTrainedOn(observation, DataDimension);
        ArgumentOutOfRangeException.ThrowIfNegative(count);

        var accepted = new List<float[]>(count);
        long drawn = 0;
        var x = observation.ToArray();
        for (int m = 0; m < Members.Count; m++)
        {
            int share = count / Members.Count + (m < count % Members.Count ? 1 : 0);
            // Member 0 uses the stream a single generator uses, so a one-member ensemble samples identically.
            ulong stream = m == 0 ? Seeds.Derive(seed, Seeds.Streams.Sampling) : Seeds.Derive(Seeds.Derive(seed, Seeds.Streams.Sampling), (ulong)m);
            drawn += SampleMember(Members[m], x, share, stream, accepted);
        }
        return new PosteriorSamples(Matrices.FromRows(accepted, ParameterDimension), count, drawn, drawn - accepted.Count);
    }

    /// <summary>Adds up to <paramref name="count"/> accepted samples of one generator; returns the proposals made.</summary>
    private long SampleMember(GeneratorNetwork member, float[] x, int count, ulong stream, List<float[]> accepted)
    {
        long drawn = 0, cap = (long)MaxDrawFactor * count;
        int target = accepted.Count + count;
        using var generator = new torch.Generator(stream);
        bool wasTraining = member.training;
        member.eval();
        try
        {
            while (accepted.Count < target && drawn < cap)
            {
                // Passes of at most RowsPerPass rows bound the memory of large requests.
                int need = Math.Min(target - accepted.Count, member.RowsPerPass);
                drawn += need;
                foreach (var row in Propose(member, x, need, generator))
                    if (Support is null || Support.Contains(row)) accepted.Add(row);
            }
        }
        finally
        {
            member.train(wasTraining);
        }
        return drawn;
    }

    private IEnumerable<float[]> Propose(GeneratorNetwork member, float[] observation, int rows, torch.Generator generator)
    {
        float[] flat;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var xs = tensor(observation).unsqueeze(0).expand(rows, observation.Length);
            var z = randn([rows, member.LatentDimension], generator: generator);
            flat = member.Forward(xs, z).contiguous().data<float>().ToArray();
        }
        int d = ParameterDimension;
        for (int i = 0; i < rows; i++) yield return flat.AsSpan(i * d, d).ToArray();
    }

    /// <summary>Disposes every member generator.</summary>
    public void Dispose()
    {
        foreach (var m in Members) m.Dispose();
    }
}
