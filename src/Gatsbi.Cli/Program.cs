using System.CommandLine;
using Gatsbi.Cli.Commands;

var root = new RootCommand("Gatsbi.NET: simulation-based inference with generative adversarial networks (GATSBI).")
{
    DemoCommand.Create(),
    TrainCommand.Create(),
    SampleCommand.Create(),
    C2stCommand.Create(),
};
return root.Parse(args).Invoke();
