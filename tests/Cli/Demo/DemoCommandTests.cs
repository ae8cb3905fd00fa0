using System.Text.Json;
using Pipeline.Cli.Commands;
using Pipeline.Cli.Demo;

namespace Pipeline.Tests.Cli.Demo;

public class DemoCommandTests
{
    [Fact]
    public async Task AShrunkDemoRunsEndToEndAndPrintsTheBeforeAfterTable()
    {
        var dir = Directory.CreateTempSubdirectory("pipeline-demo-").FullName;
        try
        {
            string[] shrink =
            [
                "model.dim=16", "model.hidden=32", "model.layers=1", "model.heads=2", "model.kv_heads=1",
                "sft.steps=4", "sft.batch_size=4", "sft.micro_batch_size=4", "sft.examples=8",
                "task.prompts_per_step=2", "task.group_size=2", "task.pool_size=8", "training.steps=2", "generation.max_new_tokens=8",
            ];
            var output = new StringWriter();
            var error = new StringWriter();
            int code = await DemoCommand.RunAsync(new DemoSettings(3, dir, shrink, 2, [], 3), output, error, CancellationToken.None);
            var text = output.ToString();
            Assert.True(code == 0, error.ToString() + text);
            Assert.Contains("metric                  SFT start  after GRPO      change", text);
            Assert.Matches(@"pass@1\s+\d\.\d{3}\s+\d\.\d{3}\s+[+-]?\d+\.\d pts", text);
            Assert.Contains("pass@2", text);
            Assert.Contains("maj@2", text);
            Assert.Contains("mean length (tokens)", text);
            Assert.Contains("3 problems never trained on, n=2 samples each at temperature 1", text);

            var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "demo.json"))).RootElement;
            Assert.Equal(3UL, json.GetProperty("seed").GetUInt64());
            Assert.Equal(3, json.GetProperty("sft").GetProperty("problems").GetInt32());
            Assert.Equal(2, File.ReadAllLines(Path.Combine(dir, "grpo", "metrics.jsonl")).Length);
            var report = File.ReadAllText(DemoRun.ReportPath(dir));
            Assert.Contains("SFT start vs after GRPO", report);
            Assert.Contains($"report: {DemoRun.ReportPath(dir)}", text);

            // A second demo into the same folder replaces the first instead of refusing it.
            Assert.Equal(0, await DemoCommand.RunAsync(new DemoSettings(3, dir, shrink, 2, [], 3), new StringWriter(), error, CancellationToken.None));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TheEmbeddedConfigIsConfigsDemoJson()
    {
        Assert.Equal(File.ReadAllText(Pipeline.Tests.TestSupport.RepoRoot.Path("configs", "demo.json")), DemoRun.EmbeddedConfig());
    }
}
