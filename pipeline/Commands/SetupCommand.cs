using System.CommandLine;
using Pipeline.Cli.Setup;

namespace Pipeline.Cli.Commands;

public static class SetupCommand
{
    public static Command Create()
    {
        var forTests = new Option<bool>("--for-tests") { Description = "Also install what the tests need (node and the npm oracles)." };
        var forBench = new Option<bool>("--for-bench") { Description = "Also install what the benchmarks need (python3-torch for the PyTorch peers)." };
        var quiet = new Option<bool>("--quiet") { Description = "Print only what is done, nothing when everything is ready." };
        var command = new Command("setup", "Install what this machine lacks (libtorch, OpenBLAS, compiler, cmake, node) and build the native shim. Idempotent.")
        {
            forTests,
            forBench,
            quiet,
        };
        command.SetAction(parse =>
        {
            try
            {
                var layout = RepositoryLayout.Find(Environment.CurrentDirectory);
                return new SetupRunner(new RealHostSystem(), layout, Console.Out, parse.GetValue(quiet)).Run(parse.GetValue(forTests), parse.GetValue(forBench));
            }
            catch (Exception e) when (e is SetupException or InvalidOperationException)
            {
                Console.Error.WriteLine($"setup: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
