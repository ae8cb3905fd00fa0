using Pipeline.Stages.Algorithms.Filters;

namespace Pipeline.Stages.Algorithms.Shaping;

/// <summary>Rewrites rewards once the whole group is scored (rewards that need the group).</summary>
public interface IGroupRewardTransform
{
    string Name { get; }

    float[] Apply(ScoredGroup group);
}
