using System.CommandLine;

namespace Gatsbi.Cli.Commands;

/// <summary>The --references option shared by every command that scores against reference posteriors.</summary>
internal static class ReferenceOptions
{
    public static Option<string?> Folder() => new("--references")
    {
        Description = "Folder of reference posterior samples laid out as sbibm's (<task>/num_observation_<k>/reference_posterior_samples.csv[.gz]), for tasks without bundled references",
    };
}
