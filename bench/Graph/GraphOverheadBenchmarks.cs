using BenchmarkDotNet.Attributes;

namespace Pipeline.Bench.Graph;

/// <summary>
/// Cost the graph adds per rollout: every stage is free (fake policy without latency, a constant
/// verifier, a trainer that does nothing, discarding sinks), so what remains is Dataflow hand-offs,
/// tokenising prompts, decoding completions, grouping, advantages and building log records.
/// One operation = one rollout.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class GraphOverheadBenchmarks
{
    private const int Steps = 20, Prompts = 16, GroupSize = 8;

    [Benchmark(Baseline = true, OperationsPerInvoke = Steps * Prompts * GroupSize, Description = "sync")]
    public long Sync() => RunPerRollout("sync");

    [Benchmark(OperationsPerInvoke = Steps * Prompts * GroupSize, Description = "async")]
    public long Async() => RunPerRollout("async");

    private static long RunPerRollout(string mode) =>
        GraphBench.Run(GraphBench.Config(Steps, Prompts, GroupSize, mode, maxStaleness: 2, generateMs: 0, verifyParallelism: 2), verifyMs: 0, trainMs: 0).Counters.RolloutsLogged;
}
