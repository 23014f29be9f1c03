using Gatsbi.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatsbi.Inference.Gatsbi.Sequential;

/// <summary>
/// Settings of the energy-based correction's rejection sampler for the tilted latent ρ(z | x) ∝ N(z; 0, I) · w̄(G(z, x), x).
/// </summary>
public sealed record TiltedLatentOptions
{
    /// <summary>Latents per row drawn to estimate the row's bound M(x) (and to fall back on, see <see cref="MaxTries"/>).</summary>
    public int PilotDraws { get; init; } = 16;

    /// <summary>M(x) is the largest pilot weight times this factor: a margin for weights above the pilot's maximum.</summary>
    public double BoundFactor { get; init; } = 2;

    /// <summary>
    /// Proposal rounds for the rows still pending; a row never accepted takes a pilot latent chosen with
    /// probability proportional to its weight (sampling-importance-resampling), never the untilted draw.
    /// </summary>
    public int MaxTries { get; init; } = 50;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException"><see cref="PilotDraws"/> is below 1, <see cref="BoundFactor"/> is below 1 or not finite, or <see cref="MaxTries"/> is negative.</exception>
    public void Validate()
    {
        if (PilotDraws < 1) throw new ArgumentException($"TiltedLatentOptions.PilotDraws must be at least 1; got {PilotDraws}.");
        if (!(BoundFactor >= 1) || !double.IsFinite(BoundFactor)) throw new ArgumentException($"TiltedLatentOptions.BoundFactor must be at least 1; got {BoundFactor}.");
        if (MaxTries < 0) throw new ArgumentException($"TiltedLatentOptions.MaxTries must be at least 0; got {MaxTries}.");
    }
}

/// <summary>
/// The correction of one proposal round of sequential GATSBI: which of the three it is, and the density-ratio
/// classifiers of that round (round 0 against this round) that it uses.
/// </summary>
/// <param name="kind">Which correction the round applies.</param>
/// <param name="ratios">The round's classifiers; ownership passes to the correction, which disposes them.</param>
/// <param name="tilt">Settings of the energy-based correction's sampler; null for the defaults. Unused by the other corrections.</param>
public sealed class RoundCorrection(SequentialCorrection kind, ImportanceCorrection ratios, TiltedLatentOptions? tilt = null) : IDisposable
{
    /// <summary>Which of the three corrections this round applies.</summary>
    public SequentialCorrection Kind { get; } = kind;

    /// <summary>The round's density-ratio classifiers (round 0 against this round), owned by this correction.</summary>
    public ImportanceCorrection Ratios { get; } = ratios;

    /// <summary>Settings of the tilted-latent sampler used by <see cref="SequentialCorrection.EnergyBased"/>.</summary>
    public TiltedLatentOptions Tilt { get; } = tilt ?? new TiltedLatentOptions();

    /// <summary>
    /// One latent per row of <paramref name="x"/> from the tilted density ρ(z | x) ∝ N(z; 0, I) · w̄(G(z, x), x),
    /// by rejection: propose z ~ N(0, I), accept with probability min(1, w̄ / M(x)). The x factor of w̄ is the
    /// same for every z of a row, so only the θ classifier's odds enter; M(x) is
    /// <see cref="TiltedLatentOptions.BoundFactor"/> times the largest odds over a pilot batch of that row
    /// (a fix: the original GATSBI code, gatsbi/optimize/sequential.py, used one random maximum over the whole
    /// batch, which mixed observations and included the latent density). The latents are constants; the caller
    /// pushes them through G with or without gradient.
    /// </summary>
    /// <param name="g">The generator whose latent is tilted.</param>
    /// <param name="x">The batch's observations, rows × d_x, in the generator's input space.</param>
    /// <param name="random">The generator of every random draw here; the same state gives the same latents.</param>
    /// <returns>A new rows × <see cref="GeneratorNetwork.LatentDimension"/> tensor, owned by the caller.</returns>
    public Tensor TiltedLatent(GeneratorNetwork g, Tensor x, torch.Generator random)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long rows = x.shape[0];
        int latent = g.LatentDimension, pilot = Tilt.PilotDraws;
        var pilotZ = randn([rows * pilot, latent], generator: random);
        var pilotOdds = ThetaOdds(g, x.repeat_interleave(pilot, 0), pilotZ).reshape(rows, pilot);
        var bound = pilotOdds.amax([1]).mul_(TorchScalars.Of(Tilt.BoundFactor));
        var chosen = zeros([rows, latent]);
        var done = zeros([rows]); // 1 once the row has accepted a latent
        for (int t = 0; t < Tilt.MaxTries; t++)
        {
            var pending = done.lt(TorchScalars.Of(0.5)).nonzero().squeeze(1);
            if (pending.shape[0] == 0) break;
            var z = randn([pending.shape[0], latent], generator: random);
            var odds = ThetaOdds(g, x.index_select(0, pending), z);
            var accept = rand([pending.shape[0]], generator: random).mul_(bound.index_select(0, pending)).lt(odds);
            var accepted = pending.masked_select(accept);
            chosen.index_copy_(0, accepted, z.index_select(0, accept.nonzero().squeeze(1)));
            done.index_fill_(0, accepted, TorchScalars.Of(1.0));
        }
        var left = done.lt(TorchScalars.Of(0.5)).nonzero().squeeze(1);
        if (left.shape[0] > 0)
        {
            // Sampling-importance-resampling over the row's pilot latents: still a draw from (an approximation of) ρ.
            var pick = multinomial(pilotOdds.index_select(0, left), 1, generator: random);
            var candidates = pilotZ.reshape(rows, pilot, latent).index_select(0, left);
            chosen.index_copy_(0, left, candidates.gather(1, pick.unsqueeze(2).expand(-1, 1, latent)).squeeze(1));
        }
        return chosen.MoveToOuterDisposeScope();
    }

    /// <summary>odds₁(G(z, x)) of the θ classifier, with G's output mapped back to the prior's space.</summary>
    private Tensor ThetaOdds(GeneratorNetwork g, Tensor x, Tensor z)
    {
        var theta = g.Forward(x, z);
        return Ratios.Theta.Odds(theta, 1);
    }

    /// <summary>Disposes the round's classifiers.</summary>
    public void Dispose() => Ratios.Dispose();
}
