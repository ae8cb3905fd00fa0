using BenchmarkDotNet.Attributes;

namespace Pipeline.Bench.Graph;

/// <summary>
/// Throughput with simulated stage latencies: generation 20 ms per group (one engine, the slowest
/// stage: at most 50 groups/s), verification 5 ms per rollout with 8 in parallel (400 groups/s),
/// training 40 ms per step of 4 groups (100 groups/s). One operation = one group.
/// <c>slowest_only</c> runs the same graph with verification and training free, which measures what
/// the generation stage alone achieves on this machine (timer granularity included); async mode
/// should come within 10% of it, while sync mode pays generation and training one after the other.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class AsyncThroughputBenchmarks
{
    private const int Steps = 30, Prompts = 4, GroupSize = 4;

    [Benchmark(Baseline = true, OperationsPerInvoke = Steps * Prompts, Description = "slowest_only")]
    public long SlowestOnly() => RunPerGroup("async", verifyMs: 0, trainMs: 0);

    [Benchmark(OperationsPerInvoke = Steps * Prompts, Description = "async")]
    public long Async() => RunPerGroup("async", verifyMs: 5, trainMs: 40);

    [Benchmark(OperationsPerInvoke = Steps * Prompts, Description = "sync")]
    public long Sync() => RunPerGroup("sync", verifyMs: 5, trainMs: 40);

    private static long RunPerGroup(string mode, int verifyMs, int trainMs) =>
        GraphBench.Run(GraphBench.Config(Steps, Prompts, GroupSize, mode, maxStaleness: 2, generateMs: 20, verifyParallelism: 8), verifyMs, trainMs).Counters.GroupsTrained;
}
