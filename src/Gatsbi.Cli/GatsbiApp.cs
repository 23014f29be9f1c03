using System.CommandLine;
using System.CommandLine.Invocation;
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
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="stop">Stops the command as Ctrl+C does: at the next safe point, saving finished work.</param>
    public static int Run(string[] args, CancellationToken stop = default)
    {
        var parse = Create().Parse(args);
        // Help and --version clear parse errors (help for a command that lacks its required options is still help).
        if (parse.Action is ParseErrorAction)
        {
            Console.Error.WriteLine(ParseErrors.Describe(parse));
            return CommandRunner.InputError;
        }
        // No termination timeout: the commands handle Ctrl+C themselves (CommandRunner), finishing the current step.
        return parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, stop).GetAwaiter().GetResult();
    }
}
