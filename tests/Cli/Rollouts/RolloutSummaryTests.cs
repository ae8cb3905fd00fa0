using System.Globalization;
using System.Text.Json;
using Pipeline.Cli.Rollouts;
using Pipeline.Data.Rollouts;
using Pipeline.Tests.Data.Rollouts;
using Pipeline.Tests.TestSupport;

namespace Pipeline.Tests.Cli.Rollouts;

public sealed class RolloutSummaryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pipeline-summary-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private List<RolloutRecord> WriteLog()
    {
        var all = new List<RolloutRecord>();
        using var log = RolloutLogWriter.Open(new RolloutLogOptions { Directory = _dir, RollEverySteps = 2 });
        for (long step = 0; step < 3; step++)
        {
            // Name the correctness component as the verifiers do, so pass rate reads it.
            var rows = RolloutFactory.Step(step, 16, seed: 3)
                .Select(r => r.RewardNames.Count == 0 ? r : r with { RewardNames = ["answer", "format"], FilterDecision = r.FilterDecision == "kept" ? "trained" : r.FilterDecision })
                .ToList();
            log.WriteStep(step, rows);
            all.AddRange(rows);
        }

        return all;
    }

    [Fact]
    public void SummarisesStepsPromptsAndReasons()
    {
        var rows = WriteLog();
        var summary = RolloutSummary.Build(new ReplayReader(_dir).Read());
        Assert.Equal([0L, 1L, 2L], summary.Steps.Select(s => s.Step));
        var step1 = rows.Where(r => r.Step == 1).ToList();
        Assert.Equal(step1.Average(r => r.RewardTotal), summary.Steps[1].RewardMean, 9);
        Assert.Equal(step1.Count(RolloutSummary.Passed) / 16.0, summary.Steps[1].PassRate, 9);
        Assert.Equal(step1.Count(r => r.Truncated) / 16.0, summary.Steps[1].TruncationRate, 9);
        Assert.All(summary.Hardest.Zip(summary.Hardest.Skip(1)), p => Assert.True(p.First.PassRate <= p.Second.PassRate));
        Assert.Equal(rows.Count(r => r.FilterDecision != "trained"), summary.FilterReasons.Sum(r => r.Count));
    }

    [Fact]
    public void TheSqlItPrintsGivesTheSameNumbersInDuckDb()
    {
        WriteLog();
        var summary = RolloutSummary.Build(new ReplayReader(_dir).Read());
        var perStep = RolloutSummary.Sql(_dir).Split(";", StringSplitOptions.RemoveEmptyEntries)[0];
        using var result = JsonDocument.Parse(OracleRunner.Run("duckdb-query.mjs", perStep));
        var duck = result.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(summary.Steps.Count, duck.Count);
        for (var i = 0; i < duck.Count; i++)
        {
            double Num(string name) => double.Parse(duck[i].GetProperty(name).ToString(), CultureInfo.InvariantCulture);
            Assert.Equal(summary.Steps[i].Step, (long)Num("step"));
            Assert.Equal(summary.Steps[i].Rollouts, (int)Num("rollouts"));
            Assert.Equal(summary.Steps[i].RewardMean, Num("reward_mean"), 9);
            Assert.Equal(summary.Steps[i].PassRate, Num("pass_rate"), 9);
            Assert.Equal(summary.Steps[i].MeanLength, Num("mean_length"), 9);
            Assert.Equal(summary.Steps[i].Filtered, (int)Num("filtered"));
        }
    }
}
