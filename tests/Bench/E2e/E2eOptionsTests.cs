using Pipeline.Bench.E2e;

namespace Pipeline.Tests.Bench.E2e;

public class E2eOptionsTests
{
    [Fact]
    public void DefaultsWhenNothingIsGiven()
    {
        var o = E2eOptions.Parse([]);
        Assert.Equal(new E2eOptions(), o);
        Assert.Equal("tiny", o.Size);
        Assert.Equal("sync", o.Mode);
    }

    [Fact]
    public void ReadsEveryOption()
    {
        var o = E2eOptions.Parse(["--size", "small", "--steps", "9", "--warmup-steps", "3", "--group-size", "8", "--prompts-per-step", "2", "--max-new-tokens", "16",
            "--threads", "2", "--peer-threads", "4", "--repeats", "3", "--micro-batch", "16", "--mode", "async", "--config", "c.json", "--out", "o.md", "--python", "/p"]);
        Assert.Equal(new E2eOptions
        {
            Size = "small", Steps = 9, WarmupSteps = 3, GroupSize = 8, PromptsPerStep = 2, MaxNewTokens = 16, Threads = 2, PeerThreads = 4, Repeats = 3, MicroBatch = 16,
            Mode = "async", Config = "c.json", Out = "o.md", Python = "/p",
        }, o);
    }

    [Fact]
    public void TheCommandLineParsesBackToTheSameSettings()
    {
        var o = new E2eOptions { Size = "medium", Steps = 4, WarmupSteps = 2, GroupSize = 2, Threads = 2, Mode = "async" };
        var args = o.CommandLine().Split(' ')[3..]; // after "./run bench e2e"
        Assert.Equal(o, E2eOptions.Parse(args));
        var split = o with { Threads = 1, PeerThreads = 2 };
        Assert.Equal(split, E2eOptions.Parse(split.CommandLine().Split(' ')[3..]));
        Assert.Equal(2, split.EffectivePeerThreads);
        Assert.Equal(2, o.EffectivePeerThreads);
    }

    [Theory]
    [InlineData(new[] { "--bogus", "1" }, "--bogus: unknown option")]
    [InlineData(new[] { "--steps" }, "--steps: a value is missing")]
    [InlineData(new[] { "--steps", "1" }, "--steps: '1' must be an integer >= 2")]
    [InlineData(new[] { "--steps", "5", "--warmup-steps", "5" }, "--warmup-steps: 5 leaves none of the 5 steps to time")]
    [InlineData(new[] { "--warmup-steps", "0" }, "--warmup-steps: '0' must be an integer >= 1")]
    [InlineData(new[] { "--threads", "two" }, "--threads: 'two' must be an integer >= 1")]
    [InlineData(new[] { "--size", "huge" }, "--size: 'huge' is not one of: tiny, small, medium")]
    [InlineData(new[] { "--mode", "fast" }, "--mode: 'fast' is not one of: sync, async")]
    public void BadArgumentsAreNamed(string[] args, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => E2eOptions.Parse(args));
        Assert.StartsWith(message, e.Message);
    }
}
