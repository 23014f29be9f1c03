using System.CommandLine;
using Gatsbi.Inference.Gatsbi;
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

    /// <summary>Applies the command-line overrides that every training command offers.</summary>
    public static GatsbiOptions WithOverrides(GatsbiOptions options, int? epochs, int? threads, int? ensemble = null)
    {
        if (epochs is { } e) RequireAtLeast(1, e, "--epochs");
        if (threads is { } t) RequireAtLeast(1, t, "--threads");
        if (ensemble is { } k) RequireAtLeast(1, k, "--ensemble");
        return options with
        {
            MaxEpochs = epochs ?? options.MaxEpochs,
            Threads = threads ?? options.Threads,
            EnsembleSize = ensemble ?? options.EnsembleSize,
        };
    }

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
        if (threads is { } t) RequireAtLeast(1, t, "--threads");
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

    public static void RequireAtLeast(int minimum, int value, string option)
    {
        if (value < minimum) throw new ArgumentException($"{option} must be at least {minimum}; got {value}.");
    }
}
