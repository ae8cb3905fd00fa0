using Pipeline.Data.Rollouts;

namespace Pipeline.Stages.Graph;

/// <summary>Where the rollout log goes: one call per step, steps increasing (RolloutLogWriter in a run).</summary>
public interface IRolloutSink
{
    void WriteStep(long step, IReadOnlyList<RolloutRecord> rollouts);
}

/// <summary>One metrics line per step.</summary>
public interface IMetricsSink
{
    void Write(IReadOnlyDictionary<string, double> metrics);
}

/// <summary>Saves the run's state after a logged step (weights, optimizer, sampler, counters).</summary>
public interface ICheckpointSink
{
    bool IsDue(long step);

    void Save(long step, RunCounters counters);
}

/// <summary>Adapts the Parquet rollout log.</summary>
public sealed class RolloutLogSink(RolloutLogWriter writer) : IRolloutSink
{
    public void WriteStep(long step, IReadOnlyList<RolloutRecord> rollouts) => writer.WriteStep(step, rollouts);
}
