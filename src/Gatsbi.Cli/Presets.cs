using System.CommandLine;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Inference.Gatsbi.Sequential;
using Gatsbi.Inference.Npe;
using Gatsbi.Nn.Flows;

namespace Gatsbi.Cli;

/// <summary>The named option presets the CLI accepts.</summary>
internal static class Presets
{
    public static readonly string[] Names = ["fast", "paper"];

    public static GatsbiOptions Get(string name) => name.ToLowerInvariant() switch
    {
        "fast" => GatsbiOptions.Fast(),
        "paper" => GatsbiOptions.Paper(),
        _ => throw new ArgumentException($"Unknown preset '{name}'; expected one of: {string.Join(", ", Names)}."),
    };

    /// <summary>Applies the command-line overrides that every training command offers, the threads and ensemble checked against <see cref="MachineLimits"/>.</summary>
    public static GatsbiOptions WithOverrides(GatsbiOptions options, int? epochs, int? threads, int? ensemble = null, int? unrolledSteps = null)
    {
        if (epochs is { } e) RequireAtLeast(1, e, "--epochs");
        MachineLimits.Current.RequireThreads(threads, "--threads");
        MachineLimits.RequireEnsemble(ensemble, "--ensemble");
        if (unrolledSteps is { } u) RequireAtLeast(0, u, "--unrolled-steps");
        return options with
        {
            MaxEpochs = epochs ?? options.MaxEpochs,
            Threads = threads ?? options.Threads,
            EnsembleSize = ensemble ?? options.EnsembleSize,
            UnrolledSteps = unrolledSteps ?? options.UnrolledSteps,
        };
    }

    /// <summary>The --unrolled-steps option of the GATSBI training commands.</summary>
    public static Option<int?> UnrolledStepsOption() =>
        new("--unrolled-steps") { Description = "GATSBI: extra discriminator steps per epoch that the generator step is taken against and that are then discarded (first-order unrolled optimisation; the shallow water model used 10; default 0)" };

    /// <summary>The --ensemble option of the training commands.</summary>
    public static Option<int?> EnsembleOption() =>
        new("--ensemble") { Description = "Override the preset's number of independently trained generators whose mixture is the posterior" };

    /// <summary>The --flow option of NPE: the conditional flow family.</summary>
    public static Option<string> FlowOption() =>
        new("--flow") { Description = "NPE's flow: nsf (neural spline flow, as published) or maf (masked autoregressive flow)", DefaultValueFactory = _ => "nsf" };

    /// <summary>sbibm's NPE configuration with the chosen flow and the command-line overrides.</summary>
    public static NpeOptions Npe(string flow, int? maxEpochs, int? threads)
    {
        if (maxEpochs is { } e) RequireAtLeast(1, e, "--epochs");
        MachineLimits.Current.RequireThreads(threads, "--threads");
        var kind = flow.ToLowerInvariant() switch
        {
            "nsf" => FlowKind.Nsf,
            "maf" => FlowKind.Maf,
            _ => throw new ArgumentException($"--flow: unknown flow '{flow}'; expected nsf or maf."),
        };
        var options = NpeOptions.Sbibm();
        return options with
        {
            Flow = options.Flow with { Kind = kind },
            MaxEpochs = maxEpochs ?? options.MaxEpochs,
            Threads = threads ?? options.Threads,
        };
    }

    /// <summary>The --correction option of sequential GATSBI.</summary>
    public static Option<string> CorrectionOption() =>
        new("--correction") { Description = "Sequential GATSBI's correction: invimpwts (inverse importance weights on the fake term), impwts (importance weights on the real term) or ebm (energy-based, rejection-sampled tilted latent)", DefaultValueFactory = _ => "invimpwts" };

    /// <summary>The --rounds option of sequential GATSBI.</summary>
    public static Option<int> RoundsOption() =>
        new("--rounds") { Description = "Sequential GATSBI: rounds including the amortised round 0", DefaultValueFactory = _ => 2 };

    /// <summary>The --round-epochs option of sequential GATSBI.</summary>
    public static Option<int?> RoundEpochsOption() =>
        new("--round-epochs") { Description = $"Sequential GATSBI: epochs of each round after round 0 (default {new SequentialOptions { Gatsbi = GatsbiOptions.Fast() }.LaterRoundEpochs:N0}; --epochs sets round 0's)" };

    /// <summary>The --prior-mixture option of sequential GATSBI.</summary>
    public static Option<double?> PriorMixtureOption() =>
        new("--prior-mixture") { Description = $"Sequential GATSBI: share of each later round's parameters drawn from the prior (a defensive mixture proposal; default {new SequentialOptions { Gatsbi = GatsbiOptions.Fast() }.PriorMixture})" };

    public static SequentialCorrection Correction(string name) => name.ToLowerInvariant() switch
    {
        "invimpwts" or "inv" => SequentialCorrection.InverseImportanceWeights,
        "impwts" or "imp" => SequentialCorrection.ImportanceWeights,
        "ebm" or "ebm_rej" => SequentialCorrection.EnergyBased,
        _ => throw new ArgumentException($"--correction: unknown correction '{name}'; expected invimpwts, impwts or ebm."),
    };

    /// <summary>
    /// Sequential GATSBI on a GATSBI preset: one generator unless --ensemble asks for more (every member trains
    /// again for each observation), with the rounds and later-round epochs of the command line.
    /// </summary>
    public static SequentialOptions Sequential(GatsbiOptions gatsbi, int? ensemble, SequentialCorrection correction, int rounds, int? roundEpochs,
        double? priorMixture = null)
    {
        if (priorMixture is { } m && m is not (>= 0 and < 1)) throw new ArgumentException($"--prior-mixture must be in [0, 1); got {m}.");
        RequireAtLeast(2, rounds, "--rounds");
        if (roundEpochs is { } e) RequireAtLeast(1, e, "--round-epochs");
        var defaults = new SequentialOptions { Gatsbi = gatsbi };
        var options = defaults with
        {
            Gatsbi = gatsbi with { EnsembleSize = ensemble ?? 1 },
            Correction = correction,
            Rounds = rounds,
            LaterRoundEpochs = roundEpochs ?? defaults.LaterRoundEpochs,
            PriorMixture = priorMixture ?? defaults.PriorMixture,
        };
        options.Validate();
        return options;
    }

    public static void RequireAtLeast(int minimum, int value, string option)
    {
        if (value < minimum) throw new ArgumentException($"{option} must be at least {minimum}; got {value}.");
    }
}
