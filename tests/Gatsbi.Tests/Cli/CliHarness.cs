using Gatsbi.Cli;

namespace Gatsbi.Tests.Cli;

/// <summary>Runs the <c>gatsbi</c> command in process with standard output and error captured.</summary>
internal static class CliHarness
{
    public static (int Code, string Out, string Error) Run(params string[] args)
    {
        var (oldOut, oldError) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            return (GatsbiApp.Run(args), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }
}
