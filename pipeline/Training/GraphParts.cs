using Pipeline.Data.Verifiers;
using Pipeline.Model.Tokenizers;
using Pipeline.Stages.Algorithms;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Policy;

namespace Pipeline.Cli.Training;

/// <summary>
/// Everything the graph runs with besides its config: the trained model and its trainer, the
/// tokenizer, the reward, the sampler and the three sinks. <see cref="TrainingRun"/> builds them
/// from a config and a run directory; tests swap single parts (a slow verifier, a probe).
/// </summary>
public sealed record GraphParts
{
    public required string RunId { get; init; }
    public required IPolicyModel Policy { get; init; }
    public required ITrainer Trainer { get; init; }
    public required ITokenizer Tokenizer { get; init; }
    public required IAsyncVerifier Verifier { get; init; }
    public required IPromptSampler Sampler { get; init; }
    public required IRolloutSink RolloutLog { get; init; }
    public required IMetricsSink Metrics { get; init; }
    public required ICheckpointSink Checkpoints { get; init; }

    /// <summary>Last completed step: 0 for a fresh run, the checkpoint's step on resume.</summary>
    public long StartStep { get; init; }

    /// <summary>Counters of the resumed checkpoint; null for a fresh run.</summary>
    public RunCounters? StartCounters { get; init; }

    public IBlockProbe? Probe { get; init; }

    /// <summary>The reward-side KL penalty (algorithm.kl_in_reward); null when the KL, if any, is in the loss.</summary>
    public KlRewardShaper? KlReward { get; init; }

    /// <summary>Components of the algorithm section, built once.</summary>
    public AlgorithmConfig? Algorithm { get; init; }
}

/// <summary>How a graph run ended when it did not fail.</summary>
public enum GraphEnd
{
    Completed,
    Stopped,
}

public sealed record GraphResult(GraphEnd End, long LastStep, RunCounters Counters);
