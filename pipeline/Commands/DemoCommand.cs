using System.CommandLine;
using System.Globalization;
using Pipeline.Cli.Configuration;
using Pipeline.Cli.Demo;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline demo [--seed N] [--out DIR] [--set k=v]</c>: warm start, GRPO and held-out
/// evaluation of a small model on a built-in task (configs/demo.json, embedded). Exit codes: 0
/// done, 1 a stage failed, 2 bad settings.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var seed = new Option<ulong>("--seed") { Description = "Seeds weights, problems and sampling; each seed is one reproducible run.", DefaultValueFactory = _ => 1 };
        var output = new Option<DirectoryInfo?>("--out") { Description = "The demo's folder (default: runs/demo-seed<N>); its sft/ and grpo/ are replaced." };
        var set = new Option<string[]>("--set") { Description = "Override a key of the built-in config (configs/demo.json), e.g. --set training.steps=20 (repeatable).", AllowMultipleArgumentsPerToken = true };
        var n = new Option<int>("--n") { Description = "Samples per held-out problem.", DefaultValueFactory = _ => 8 };
        var problems = new Option<int>("--problems") { Description = "Held-out problems evaluated before and after GRPO.", DefaultValueFactory = _ => 100 };
        var command = new Command("demo", "Train a small model from scratch on a built-in task (SFT warm start, then GRPO) and compare both on held-out problems.")
        {
            seed, output, set, n, problems,
        };
        command.SetAction((parse, ct) =>
        {
            var s = parse.GetValue(seed);
            var settings = new DemoSettings(s, parse.GetValue(output)?.FullName ?? Path.Combine("runs", $"demo-seed{s.ToString(CultureInfo.InvariantCulture)}"),
                parse.GetValue(set) ?? [], parse.GetValue(n), [], parse.GetValue(problems));
            return RunAsync(settings, Console.Out, Console.Error, ct);
        });
        return command;
    }

    public static async Task<int> RunAsync(DemoSettings settings, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (settings.N < 1 || settings.Problems < 1)
        {
            error.WriteLine($"demo: --n ({settings.N}) and --problems ({settings.Problems}) must be at least 1.");
            return 2;
        }

        // pass@1 always; pass@k and maj@k at the powers of two up to n.
        var ks = settings.Ks.Count > 0 ? settings.Ks : [.. Enumerable.Range(0, 31).Select(i => 1 << i).TakeWhile(k => k <= settings.N)];
        try
        {
            var result = await DemoRun.RunAsync(settings with { Ks = ks }, output.WriteLine, ct).ConfigureAwait(false);
            output.WriteLine();
            output.Write(result.ToTable());
            output.WriteLine($"report: {Path.GetFullPath(DemoRun.ReportPath(settings.Out))}");
            return 0;
        }
        catch (ConfigException e)
        {
            error.WriteLine($"demo: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IOException)
        {
            error.WriteLine($"demo: a stage failed: {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }
}
