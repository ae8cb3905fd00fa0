using System.CommandLine;
using System.Globalization;
using Pipeline.Cli.Rollouts;
using Pipeline.Data.Rollouts;

namespace Pipeline.Cli.Commands;

public static class RolloutsCommand
{
    public static Command Create()
    {
        var path = new Argument<DirectoryInfo>("path") { Description = "A run directory, or its rollouts/ folder." };
        var sql = new Option<bool>("--sql") { Description = "Print the equivalent DuckDB queries instead of the summary." };
        var hardest = new Option<int>("--hardest") { Description = "How many of the hardest prompts to list.", DefaultValueFactory = _ => 10 };
        var command = new Command("rollouts", "Summarise a run's Parquet rollout log: per-step reward, length and pass rate; hardest prompts; filter reasons.") { path, sql, hardest };
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(path)!.FullName;
            if (Directory.Exists(Path.Combine(dir, "rollouts")))
            {
                dir = Path.Combine(dir, "rollouts");
            }

            if (parse.GetValue(sql))
            {
                Console.WriteLine(RolloutSummary.Sql(dir));
                return 0;
            }

            var reader = new ReplayReader(dir);
            if (reader.Files.Count == 0)
            {
                Console.Error.WriteLine($"rollouts: no rollout files in {dir}.");
                return 1;
            }

            var summary = RolloutSummary.Build(reader.Read(new ReplayFilter { IncludeText = false }), parse.GetValue(hardest));
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine("step  rollouts  reward_mean  pass_rate  mean_length  truncation  filtered");
            foreach (var s in summary.Steps)
            {
                Console.WriteLine(string.Format(inv, "{0,4}  {1,8}  {2,11:F4}  {3,9:P1}  {4,11:F1}  {5,10:P1}  {6,8}", s.Step, s.Rollouts, s.RewardMean, s.PassRate, s.MeanLength, s.TruncationRate, s.Filtered));
            }

            Console.WriteLine();
            Console.WriteLine("hardest prompts (tried at least twice):");
            foreach (var p in summary.Hardest)
            {
                Console.WriteLine(string.Format(inv, "  {0}  {1} attempts  {2:P1} passed", p.PromptId, p.Attempts, p.PassRate));
            }

            Console.WriteLine();
            Console.WriteLine("filter reasons:");
            foreach (var (reason, count) in summary.FilterReasons)
            {
                Console.WriteLine(string.Format(inv, "  {0,6}  {1}", count, reason));
            }

            return 0;
        });
        return command;
    }
}
