using Gatsbi.Inference.Gatsbi;

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
    public static GatsbiOptions WithOverrides(GatsbiOptions options, int? epochs, int? threads) => options with
    {
        MaxEpochs = epochs ?? options.MaxEpochs,
        Threads = threads ?? options.Threads,
    };
}
