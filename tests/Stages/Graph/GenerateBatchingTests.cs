using System.Collections.Concurrent;
using System.Threading.Tasks.Dataflow;
using Pipeline.Cli.Training;
using Pipeline.Data.Problems;
using Pipeline.Model.Torch;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Policy;

namespace Pipeline.Tests.Stages.Graph;

public class GenerateBatchingTests
{
    /// <summary>A tiny policy that records each call's rows and holds its first call until released.</summary>
    private sealed class GatedPolicy(IPolicyModel inner) : IPolicyModel
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public ConcurrentQueue<int> Calls { get; } = new();
        public Exception? Fault { get; set; }
        private int _calls;

        public string Kind => inner.Kind;
        public IReadOnlyList<Tensor> Parameters => inner.Parameters;

        public async Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken)
        {
            Calls.Enqueue(request.Prompts.Count);
            if (Interlocked.Increment(ref _calls) == 1) await Release.Task.WaitAsync(cancellationToken);
            if (Fault is not null) throw Fault;
            return await inner.GenerateAsync(request, cancellationToken);
        }

        public ScoreResult Score(IReadOnlyList<int[]> prompts, IReadOnlyList<int[]> completions, double temperature, bool withGrad) => inner.Score(prompts, completions, temperature, withGrad);
        public IPolicyModel Clone() => inner.Clone();
        public void CopyWeightsFrom(IPolicyModel source) => inner.CopyWeightsFrom(source);
        public void Save(string path) => inner.Save(path);
        public void Load(string path) => inner.Load(path);
        public void Dispose() => inner.Dispose();
    }

    private static readonly SamplingOptions Sampling = new() { MaxNewTokens = 8, TopK = 6 };

    private static GroupRequest Group(int g, int size) => new("r", 1, g, 0, g,
        new Problem { Id = $"p{g}", Prompt = new string('1', 1 + g) + "+2=", Answer = "3", Task = "arithmetic" }, size, "on_policy", null, 100 + (ulong)g);

    private static TinyPolicy Tiny() => new(new TinyPolicyOptions { VocabSize = TrainingRun.CreateTokenizer().VocabSize, Dim = 8, Hidden = 16, Seed = 3 });

    /// <summary>Posts the groups while the first call is held, then lets every call run; returns the rollouts.</summary>
    private static async Task<List<Rollout>> Run(GatedPolicy policy, GenerateBatching batching, IReadOnlyList<GroupRequest> groups)
    {
        using var weights = new PolicyWeights(policy, separateCopy: false, 0, 1);
        var block = GenerateBlock.Create(weights, TrainingRun.CreateTokenizer(), Sampling, new BlockOptions(8, 1), null, CancellationToken.None, batching);
        foreach (var g in groups) Assert.True(await block.SendAsync(g));
        while (policy.Calls.IsEmpty) await Task.Delay(1);
        await Task.Delay(50); // the later groups reach the batcher while the first call is held
        policy.Release.SetResult();
        block.Complete();
        var rollouts = new List<Rollout>();
        while (await block.OutputAvailableAsync()) rollouts.Add(await block.ReceiveAsync());
        await block.Completion;
        return rollouts;
    }

    [Fact]
    public async Task WaitingGroupsShareOneCallAndSampleAsTheyWouldAlone()
    {
        var groups = Enumerable.Range(0, 4).Select(g => Group(g, 3)).ToList();
        using var batched = new GatedPolicy(Tiny());
        var rollouts = await Run(batched, new GenerateBatching(64, TimeSpan.Zero), groups);
        Assert.Equal([3, 9], batched.Calls);
        Assert.Equal(12, rollouts.Count);

        using var alone = new GatedPolicy(Tiny());
        var reference = await Run(alone, GenerateBatching.Off, groups);
        Assert.Equal([3, 3, 3, 3], alone.Calls);
        string Key(Rollout r) => $"{r.Request.GroupId}/{r.SampleIndex}";
        var expected = reference.ToDictionary(Key);
        foreach (var r in rollouts)
        {
            Assert.Equal(expected[Key(r)].CompletionTokenIds, r.CompletionTokenIds);
            Assert.Equal(expected[Key(r)].PromptTokenIds, r.PromptTokenIds);
        }
        Assert.NotEqual(rollouts[0].PromptTokenIds.Length, rollouts.Single(r => r.Request.GroupId != rollouts[0].Request.GroupId && r.SampleIndex == 0 && r.Request.GroupId == (rollouts[0].Request.GroupId + 1) % 4).PromptTokenIds.Length);
    }

    [Fact]
    public async Task ACallHoldsAtMostTheRowBound()
    {
        using var policy = new GatedPolicy(Tiny());
        await Run(policy, new GenerateBatching(6, TimeSpan.Zero), [.. Enumerable.Range(0, 4).Select(g => Group(g, 3))]);
        Assert.Equal([3, 6, 3], policy.Calls);
    }

    [Fact]
    public async Task OnlyGroupsWithTheSameSamplingShareACall()
    {
        using var policy = new GatedPolicy(Tiny());
        using var weights = new PolicyWeights(policy, separateCopy: false, 0, 1);
        var batcher = new GenerateBatcher(weights, 1, 64, TimeSpan.Zero, null, CancellationToken.None);
        var shorter = Sampling with { MaxNewTokens = 3 };
        int[][] Rows(int n) => [.. Enumerable.Repeat(new[] { 5, 6, 7 }, n)];
        var first = batcher.GenerateAsync(Group(0, 2), Rows(2), Sampling);
        while (policy.Calls.IsEmpty) await Task.Delay(1);
        var tasks = new[] { batcher.GenerateAsync(Group(1, 2), Rows(2), Sampling), batcher.GenerateAsync(Group(2, 2), Rows(2), shorter), batcher.GenerateAsync(Group(3, 2), Rows(2), Sampling) };
        policy.Release.SetResult();
        var done = await Task.WhenAll([first, .. tasks]);
        Assert.Equal([2, 4, 2], policy.Calls);
        Assert.All(done[2].Completions, c => Assert.True(c.TokenIds.Length <= 3));
        Assert.Equal(0.5, done[1].Share);
    }

    [Fact]
    public async Task AFreeSlotWaitsForLateGroupsWhenAsked()
    {
        using var policy = new GatedPolicy(Tiny());
        policy.Release.SetResult();
        using var weights = new PolicyWeights(policy, separateCopy: false, 0, 1);
        var batcher = new GenerateBatcher(weights, 1, 64, TimeSpan.FromMilliseconds(500), null, CancellationToken.None);
        int[][] rows = [[5, 6, 7], [5, 6, 7]];
        var first = batcher.GenerateAsync(Group(0, 2), rows, Sampling);
        await Task.Delay(20);
        var late = batcher.GenerateAsync(Group(1, 2), rows, Sampling);
        await Task.WhenAll(first, late);
        Assert.Equal([4], policy.Calls);
    }

    [Fact]
    public async Task ASlotStopsWaitingWhenNothingMoreIsComing()
    {
        using var policy = new GatedPolicy(Tiny());
        policy.Release.SetResult();
        using var weights = new PolicyWeights(policy, separateCopy: false, 0, 1);
        var inflow = new GenerateInflow();
        var batcher = new GenerateBatcher(weights, 1, 64, TimeSpan.FromSeconds(30), null, CancellationToken.None, inflow);
        int[][] rows = [[5, 6, 7], [5, 6, 7]];
        inflow.Sent();
        inflow.Sent();
        var first = batcher.GenerateAsync(Group(0, 2), rows, Sampling);
        await Task.Delay(20);
        Assert.False(first.IsCompleted); // one group is still on its way
        var second = batcher.GenerateAsync(Group(1, 2), rows, Sampling);
        await Task.Delay(20);
        Assert.False(second.IsCompleted); // Sample may still produce
        inflow.Producing(false);
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([4], policy.Calls);
        Assert.False(inflow.MoreComing);
    }

    [Fact]
    public async Task AFullCallStartsWithoutWaiting()
    {
        using var policy = new GatedPolicy(Tiny());
        policy.Release.SetResult();
        using var weights = new PolicyWeights(policy, separateCopy: false, 0, 1);
        var batcher = new GenerateBatcher(weights, 1, 4, TimeSpan.FromSeconds(30), null, CancellationToken.None);
        int[][] rows = [[5, 6, 7], [5, 6, 7]];
        var first = batcher.GenerateAsync(Group(0, 2), rows, Sampling);
        await Task.Delay(20);
        var second = batcher.GenerateAsync(Group(1, 2), rows, Sampling);
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([4], policy.Calls);
    }

    [Fact]
    public void InflowCountsOnlyGroupsSampleSent()
    {
        var inflow = new GenerateInflow();
        inflow.Producing(false);
        Assert.False(inflow.MoreComing);
        inflow.Arrived(); // a guided retry: not Sample's
        inflow.Sent();
        Assert.True(inflow.MoreComing);
        inflow.Arrived();
        Assert.False(inflow.MoreComing);
    }

    [Fact]
    public async Task APolicyFaultFailsTheBlockAndEveryWaitingGroup()
    {
        using var policy = new GatedPolicy(Tiny()) { Fault = new InvalidOperationException("engine broke") };
        using var weights = new PolicyWeights(policy, separateCopy: false, 0, 1);
        var block = GenerateBlock.Create(weights, TrainingRun.CreateTokenizer(), Sampling, new BlockOptions(8, 1), null, CancellationToken.None, new GenerateBatching(64, TimeSpan.Zero));
        for (int g = 0; g < 4; g++) Assert.True(await block.SendAsync(Group(g, 2)));
        while (policy.Calls.IsEmpty) await Task.Delay(1);
        policy.Release.SetResult();
        var e = await Assert.ThrowsAnyAsync<Exception>(() => block.Completion);
        Assert.Contains("engine broke", e.ToString());
        Assert.Single(policy.Calls); // later groups fail without calling a broken engine
    }
}
