using System.Threading.Tasks.Dataflow;

namespace Pipeline.Stages.Graph;

/// <summary>Bound and parallelism of one block.</summary>
public sealed record BlockOptions(int Capacity, int Parallelism = 1)
{
    public void Validate(string name)
    {
        if (Parallelism < 1) throw new ArgumentOutOfRangeException(name, Parallelism, $"pipeline.{name}.parallelism must be at least 1.");
        if (Capacity < Parallelism) throw new ArgumentOutOfRangeException(name, Capacity, $"pipeline.{name}.capacity ({Capacity}) must be at least its parallelism ({Parallelism}): the bound counts items in flight.");
    }

    /// <param name="serial">Forces one message at a time, for blocks that keep state between messages.</param>
    public ExecutionDataflowBlockOptions ToDataflow(CancellationToken token, bool serial = false) => new()
    {
        BoundedCapacity = Capacity,
        MaxDegreeOfParallelism = serial ? 1 : Parallelism,
        EnsureOrdered = false,
        SingleProducerConstrained = false,
        CancellationToken = token,
    };
}

/// <summary>Bounds of every block of the graph (config section <c>pipeline</c>), with defaults.</summary>
public sealed record GraphOptions
{
    /// <summary>Group requests waiting for generation.</summary>
    public BlockOptions Sample { get; init; } = new(4);

    /// <summary>Concurrent generation calls (one group each) and their queue.</summary>
    public BlockOptions Generate { get; init; } = new(2, 1);

    /// <summary>Rollouts being verified; parallelism is verify concurrency.</summary>
    public BlockOptions Verify { get; init; } = new(64, 4);

    public BlockOptions GroupFilter { get; init; } = new(64);

    public BlockOptions Batch { get; init; } = new(16);

    public BlockOptions Advantage { get; init; } = new(1);

    public BlockOptions Train { get; init; } = new(1);

    public BlockOptions Log { get; init; } = new(2);

    public BlockOptions Metrics { get; init; } = new(4);

    /// <summary>Wall-clock bound of one verifier call; an overrun fails that rollout, not the run.</summary>
    public TimeSpan VerifyTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Groups sharing one policy call; off by default here, the run config turns it on.</summary>
    public GenerateBatching GenerateBatching { get; init; } = GenerateBatching.Off;

    public void Validate()
    {
        Sample.Validate("sample");
        Generate.Validate("generate");
        Verify.Validate("verify");
        GroupFilter.Validate("group_filter");
        Batch.Validate("batch");
        Advantage.Validate("advantage");
        Train.Validate("train");
        Log.Validate("log");
        Metrics.Validate("metrics");
        GenerateBatching.Validate();
        if (VerifyTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(VerifyTimeout), VerifyTimeout, "pipeline.verify_timeout_ms must be positive.");
    }
}
