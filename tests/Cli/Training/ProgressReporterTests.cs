using Pipeline.Cli.Training;
using Pipeline.Stages.Metrics;
using Spectre.Console;

namespace Pipeline.Tests.Cli.Training;

public class ProgressReporterTests
{
    private static Dictionary<string, double> Metrics(long step) => new()
    {
        [MetricNames.Step] = step,
        [MetricNames.Reward] = 0.5,
        [MetricNames.PassRate] = 0.25,
        [MetricNames.Loss] = 0.0123,
        [MetricNames.Kl] = 0,
        [MetricNames.MeanLength] = 12.5,
        [MetricNames.TimeStep] = 1.5,
        [MetricNames.TokensPerSecond] = 321.4,
        [MetricNames.StageUtilisation("generate")] = 0.8,
        [MetricNames.StageUtilisation("train")] = 0.15,
    };

    [Theory]
    [InlineData(true, null, false)]
    [InlineData(false, null, true)]
    [InlineData(false, "plain", false)]
    [InlineData(true, "live", true)]
    [InlineData(false, " PLAIN ", false)]
    [InlineData(true, "auto", false)]
    public void LiveOnlyOnATerminalUnlessTheVariableForcesAMode(bool redirected, string? mode, bool live) =>
        Assert.Equal(live, ProgressReporters.UseLive(redirected, mode));

    [Fact]
    public void PlainWritesOneWholeLinePerStepWithEta()
    {
        var lines = new List<string>();
        var elapsed = TimeSpan.Zero;
        using var plain = new PlainProgress(lines.Add, 10, new EtaClock(10, () => elapsed));
        plain.Note("train: run x");
        elapsed = TimeSpan.FromSeconds(4);
        plain.Step(Metrics(2)); // the first step seen took 4 s; 8 remain
        Assert.Equal(
            ["train: run x", "step 2/10  reward 0.500  pass 0.250  loss 0.0123  kl 0.0000  len 12.5  1.50s  321 tok/s  eta 0:32  busy: generate 80%  train 15%"],
            lines);
    }

    [Fact]
    public void EtaCountsOnlyStepsThisProcessRan()
    {
        var elapsed = TimeSpan.Zero;
        var clock = new EtaClock(100, () => elapsed);
        elapsed = TimeSpan.FromSeconds(10);
        // Resumed at step 50: one step in 10 s leaves 49 steps, not (10 s / 51) * 49.
        Assert.Equal(TimeSpan.FromSeconds(490), clock.Next(51));
        elapsed = TimeSpan.FromSeconds(20);
        Assert.Equal(TimeSpan.FromSeconds(480), clock.Next(52));
        Assert.Equal("1:02:03", ProgressSnapshot.FormatEta(new TimeSpan(1, 2, 3)));
        Assert.Equal("--:--", ProgressSnapshot.FormatEta(null));
    }

    private static (IAnsiConsole Console, StringWriter Text) TestConsole()
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(text),
        });
        console.Profile.Width = 100;
        return (console, text);
    }

    [Fact]
    public void LivePanelShowsStepEtaRewardPassRateThroughputAndStages()
    {
        var (console, text) = TestConsole();
        console.Write(LiveProgress.Render(new ProgressSnapshot(5, 10, TimeSpan.FromSeconds(75), Metrics(5)), ["resuming"], 10));
        var panel = text.ToString();
        Assert.Contains("5/10", panel);
        Assert.Contains("eta 1:15", panel);
        Assert.Contains("0.500", panel);
        Assert.Contains("0.250", panel);
        Assert.Contains("321", panel);
        Assert.Contains("generate 80%  train 15%", panel);
        Assert.Contains("resuming", panel);
        Assert.Contains(new string('#', 15) + new string('-', 15), panel);
    }

    [Fact]
    public void WithoutUtilisationMetricsTheSharesComeFromStageTimings()
    {
        var metrics = new Dictionary<string, double>
        {
            [MetricNames.Step] = 1,
            [MetricNames.TimeStep] = 2.0,
            [MetricNames.TimeGenerate] = 1.5,
            [MetricNames.TimeVerify] = 0.1,
            [MetricNames.TimeTrain] = 0.4,
        };
        Assert.Equal([("generate", 0.75), ("verify", 0.05), ("train", 0.2)], new ProgressSnapshot(1, 2, null, metrics).Utilisation);
        Assert.Equal([("generate", 0.8), ("train", 0.15)], new ProgressSnapshot(5, 10, null, Metrics(5)).Utilisation);
    }

    [Fact]
    public void IdleStagesAreLeftOffTheLineAndNoUtilisationMeansNoStagesPart()
    {
        var metrics = Metrics(3);
        metrics[MetricNames.StageUtilisation("log")] = 0.004;
        metrics[MetricNames.StageUtilisation("verify")] = 0.006;
        var snapshot = new ProgressSnapshot(3, 10, null, metrics);
        Assert.Equal("generate 80%  train 15%  verify 1%", snapshot.FormatStages());
        Assert.EndsWith("busy: generate 80%  train 15%  verify 1%", PlainProgress.Line(snapshot));

        var bare = Metrics(3);
        bare.Remove(MetricNames.StageUtilisation("generate"));
        bare.Remove(MetricNames.StageUtilisation("train"));
        Assert.DoesNotContain("busy", PlainProgress.Line(new ProgressSnapshot(3, 10, null, bare)));
    }

    [Fact]
    public void LiveReporterRunsOnAConsoleAndLeavesTheLastStepShown()
    {
        var (console, text) = TestConsole();
        using (var live = new LiveProgress(console, 3))
        {
            live.Note("train: run x");
            live.Step(Metrics(1));
            live.Step(Metrics(3));
        }

        var output = text.ToString();
        Assert.Contains("3/3", output);
        Assert.Contains("train: run x", output);
    }
}
