using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Pipeline.Data.Problems;
using Pipeline.Data.Verifiers;
using Pipeline.Stages.Rewards;
using Polly.CircuitBreaker;
using Mode = Pipeline.Tests.Stages.Rewards.FlakyRewardServer.Mode;

namespace Pipeline.Tests.Stages.Rewards;

public class HttpRewardComponentTests
{
    private static readonly Problem Problem = new() { Id = "p1", Prompt = "What is 6*7?", Answer = "42", Task = "math" };
    private static readonly VerifyInput Input = new(Problem, "<think>6*7</think><answer>42</answer>", 12);

    private static HttpRewardOptions Fast(Uri endpoint) => new()
    {
        Endpoint = endpoint,
        TotalTimeout = TimeSpan.FromSeconds(5),
        AttemptTimeout = TimeSpan.FromMilliseconds(300),
        MaxRetries = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        RetryMaxDelay = TimeSpan.FromMilliseconds(40),
        BreakerMinimumThroughput = 100,
        FallbackScore = -1,
    };

    private static async Task<(VerifierResult Result, TimeSpan Elapsed)> Score(HttpRewardComponent c, VerifyInput? input = null)
    {
        var watch = Stopwatch.StartNew();
        var r = await c.VerifyAsync(input ?? Input, CancellationToken.None);
        return (r, watch.Elapsed);
    }

    [Fact]
    public async Task ScoresFromAHealthyServer()
    {
        await using var server = new FlakyRewardServer(_ => Mode.Score);
        using var c = new HttpRewardComponent(Fast(server.Endpoint));
        var (r, _) = await Score(c);
        Assert.Equal(0.75, r.Score);
        Assert.Equal("scored after 1 attempt: judge says ok", r.Reason);
        Assert.Equal("remote", Assert.Single(r.Parts).Name);
        Assert.Contains("\"reference\":\"42\"", server.LastBody);
        Assert.Contains("\"length\":12", server.LastBody);
        Assert.Contains("\\u003Canswer\\u003E42", server.LastBody);
    }

    [Fact]
    public async Task RetriesThroughFailuresAndRecovers()
    {
        await using var server = new FlakyRewardServer(i => i < 2 ? Mode.Fail500 : Mode.Score);
        using var c = new HttpRewardComponent(Fast(server.Endpoint));
        var (r, _) = await Score(c);
        Assert.Equal(0.75, r.Score);
        Assert.StartsWith("scored after 3 attempts", r.Reason);
        Assert.Equal(3, server.Requests);
    }

    [Fact]
    public async Task StallThenRecover()
    {
        await using var server = new FlakyRewardServer(i => i == 0 ? Mode.Stall : Mode.Score);
        using var c = new HttpRewardComponent(Fast(server.Endpoint));
        var (r, elapsed) = await Score(c);
        Assert.Equal(0.75, r.Score);
        Assert.StartsWith("scored after 2 attempts", r.Reason);
        Assert.True(elapsed < TimeSpan.FromSeconds(3), elapsed.ToString());
    }

    [Fact]
    public async Task StallsBecomeAttemptTimeoutsThenTheFallback()
    {
        await using var server = new FlakyRewardServer(_ => Mode.Stall);
        var options = Fast(server.Endpoint);
        options.AttemptTimeout = TimeSpan.FromMilliseconds(200);
        options.MaxRetries = 2;
        using var c = new HttpRewardComponent(options);
        var (r, elapsed) = await Score(c);
        Assert.Equal(-1, r.Score);
        Assert.Equal("fallback -1 (attempt timeout of 200 ms) after 3 attempts", r.Reason);
        Assert.True(elapsed < TimeSpan.FromSeconds(3), elapsed.ToString());
        Assert.Equal(3, server.Requests);
    }

    [Fact]
    public async Task TotalTimeoutBoundsTheWholeCall()
    {
        await using var server = new FlakyRewardServer(_ => Mode.Stall);
        var options = Fast(server.Endpoint);
        options.AttemptTimeout = TimeSpan.FromSeconds(3);
        options.TotalTimeout = TimeSpan.FromMilliseconds(300);
        using var c = new HttpRewardComponent(options);
        var (r, elapsed) = await Score(c);
        Assert.Equal("fallback -1 (total timeout of 300 ms) after 1 attempt", r.Reason);
        Assert.True(elapsed < TimeSpan.FromSeconds(2), elapsed.ToString());
    }

    [Theory]
    [InlineData(Mode.BadRequest, "fallback -1 (HTTP 400 Bad Request) after 1 attempt")]
    [InlineData(Mode.Garbage, "fallback -1 (malformed response: ")]
    [InlineData(Mode.Huge, "fallback -1 (response exceeds 65536 bytes) after 1 attempt")]
    public async Task PermanentFailuresAreNotRetried(Mode mode, string reason)
    {
        await using var server = new FlakyRewardServer(_ => mode);
        using var c = new HttpRewardComponent(Fast(server.Endpoint));
        var (r, _) = await Score(c);
        Assert.Equal(-1, r.Score);
        Assert.StartsWith(reason, r.Reason);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task RefusedConnectionsAreRetriedThenFallBack()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var options = Fast(new Uri($"http://127.0.0.1:{port}/score"));
        options.MaxRetries = 2;
        using var c = new HttpRewardComponent(options);
        var (r, elapsed) = await Score(c);
        Assert.Equal(-1, r.Score);
        // Loopback refuses at once on most hosts; a sandbox that drops the packets shows up as attempt timeouts instead.
        Assert.True(r.Reason.StartsWith("fallback -1 (HttpRequestException: ", StringComparison.Ordinal)
                    || r.Reason.StartsWith("fallback -1 (attempt timeout of 300 ms)", StringComparison.Ordinal), r.Reason);
        Assert.EndsWith("after 3 attempts", r.Reason);
        Assert.True(elapsed < TimeSpan.FromSeconds(3), elapsed.ToString());
    }

    /// <summary>Moves the clock Polly's breaker reads, so a break can end without waiting it out; timers stay real.</summary>
    private sealed class ShiftedTime : TimeProvider
    {
        public TimeSpan Offset { get; set; }
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
        public override long GetTimestamp() => base.GetTimestamp() + (long)(Offset.TotalSeconds * TimestampFrequency);
    }

    [Fact]
    public async Task CircuitOpensFailsFastAndClosesAfterRecovery()
    {
        var failing = true;
        await using var server = new FlakyRewardServer(_ => Volatile.Read(ref failing) ? Mode.Fail500 : Mode.Score);
        var options = Fast(server.Endpoint);
        options.MaxRetries = 0;
        options.BreakerMinimumThroughput = 4;
        options.BreakerFailureRatio = 0.5;
        options.BreakerBreakDuration = TimeSpan.FromSeconds(30);
        var time = new ShiftedTime();
        using var c = new HttpRewardComponent(options, timeProvider: time);
        for (var i = 0; i < 4; i++)
            Assert.Equal("fallback -1 (HTTP 500 Internal Server Error) after 1 attempt", (await Score(c)).Result.Reason);
        Assert.Equal(CircuitState.Open, c.CircuitState);
        var (open, elapsed) = await Score(c);
        Assert.Equal("fallback -1 (circuit open) after 0 attempts", open.Reason);
        Assert.Equal(4, server.Requests);
        Assert.True(elapsed < TimeSpan.FromMilliseconds(500), elapsed.ToString());

        Volatile.Write(ref failing, false);
        time.Offset = TimeSpan.FromSeconds(31);
        var (closed, _) = await Score(c);
        Assert.Equal(0.75, closed.Score);
        Assert.Equal(CircuitState.Closed, c.CircuitState);
        Assert.Equal(5, server.Requests);
    }

    [Fact]
    public async Task CallerCancellationIsNotSwallowed()
    {
        await using var server = new FlakyRewardServer(_ => Mode.Stall);
        var options = Fast(server.Endpoint);
        options.AttemptTimeout = TimeSpan.FromSeconds(3);
        using var c = new HttpRewardComponent(options);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await c.VerifyAsync(Input, cts.Token));
    }

    [Fact]
    public async Task ManyConcurrentCallsAgainstAFlakyServerAllGetAResult()
    {
        // Every third request fails, every fifth stalls: each call still ends, scored or with its fallback reason.
        await using var server = new FlakyRewardServer(i => i % 5 == 4 ? Mode.Stall : i % 3 == 2 ? Mode.Fail500 : Mode.Score);
        var options = Fast(server.Endpoint);
        options.AttemptTimeout = TimeSpan.FromMilliseconds(250);
        options.TotalTimeout = TimeSpan.FromSeconds(2);
        using var c = new HttpRewardComponent(options);
        var watch = Stopwatch.StartNew();
        var weird = Input with { Completion = "\ud800 lone surrogate " + new string('x', 300_000) };
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => c.VerifyAsync(i % 7 == 0 ? weird : Input, CancellationToken.None).AsTask()));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), watch.Elapsed.ToString());
        Assert.All(results, r => Assert.False(string.IsNullOrWhiteSpace(r.Reason)));
        Assert.All(results, r => Assert.True(r.Score is 0.75 or -1, r.Reason));
        Assert.True(results.Count(r => r.Score == 0.75) >= 30, string.Join("\n", results.Select(r => r.Reason)));
        Assert.InRange(server.Requests, 40, 40 * 4);
    }

    [Fact]
    public void OptionsAreValidated()
    {
        Assert.Contains("Endpoint", Assert.Throws<ArgumentException>(() => new HttpRewardComponent(new HttpRewardOptions())).Message);
        Assert.Contains("Endpoint", Assert.Throws<ArgumentException>(() => new HttpRewardComponent(new HttpRewardOptions { Endpoint = new Uri("file:///x") })).Message);
        var bad = Fast(new Uri("http://127.0.0.1:1/"));
        bad.AttemptTimeout = TimeSpan.Zero;
        Assert.Contains("AttemptTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => new HttpRewardComponent(bad)).Message);
        bad = Fast(new Uri("http://127.0.0.1:1/"));
        bad.RetryMaxDelay = TimeSpan.FromMilliseconds(1);
        Assert.Contains("RetryMaxDelay", Assert.Throws<ArgumentOutOfRangeException>(() => new HttpRewardComponent(bad)).Message);
    }
}
