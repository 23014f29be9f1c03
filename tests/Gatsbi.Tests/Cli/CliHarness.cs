using Gatsbi.Cli;

namespace Gatsbi.Tests.Cli;

/// <summary>Runs the <c>gatsbi</c> command in process with standard output and error captured.</summary>
internal static class CliHarness
{
    public static (int Code, string Out, string Error) Run(params string[] args) => Run(CancellationToken.None, args);

    /// <summary>Runs a command that <paramref name="stop"/> stops as Ctrl+C would (a cancelled token: after its first step).</summary>
    public static (int Code, string Out, string Error) Run(CancellationToken stop, params string[] args)
    {
        var (oldOut, oldError) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            return (GatsbiApp.Run(args, stop), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }
}
