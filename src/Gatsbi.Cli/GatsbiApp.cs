using System.CommandLine;
using Gatsbi.Cli.Commands;

namespace Gatsbi.Cli;

/// <summary>The <c>gatsbi</c> command tree.</summary>
public static class GatsbiApp
{
    /// <summary>
    /// A new root command with every subcommand: demo, simulate, train, sample, c2st, tasks, bench and diagnose.
    /// Each call builds a fresh tree, so parsing one command line leaves no state behind for the next.
    /// </summary>
    public static RootCommand Create() => new("Gatsbi.NET: simulation-based inference with generative adversarial networks (GATSBI).")
    {
        DemoCommand.Create(),
        SimulateCommand.Create(),
        TrainCommand.Create(),
        SampleCommand.Create(),
        C2stCommand.Create(),
        TasksCommand.Create(),
        BenchCommand.Create(),
        ReferencesCommand.Create(),
        DiagnoseCommand.Create(),
    };

    /// <summary>Parses and runs one command line; returns the process exit code.</summary>
    public static int Run(string[] args) => Create().Parse(args).Invoke();
}
