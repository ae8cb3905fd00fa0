using System.CommandLine;

namespace Pipeline.Cli.Commands;

/// <summary>Every verb of the <c>pipeline</c> CLI, in the order <c>--help</c> lists them.</summary>
public static class CommandCatalog
{
    public static RootCommand Build()
    {
        var root = new RootCommand("pipeline: reinforcement learning from verifiable rewards (GRPO family) on libtorch.");
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(SftCommand.Create());
        root.Subcommands.Add(RolloutsCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(TokenizeCommand.Create());
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(SetupCommand.Create());
        root.Subcommands.Add(ConfigDocsCommand.Create());
        return root;
    }
}
