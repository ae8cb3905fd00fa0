namespace Pipeline.Stages.Algorithms.Filters;

public static class GroupFilters
{
    public static ComponentRegistry<IGroupFilter, GroupFilterOptions> Registry { get; } =
        new ComponentRegistry<IGroupFilter, GroupFilterOptions>("group filter")
            .Register("none", _ => new KeepAllFilter())
            .Register("dynamic_sampling", o => new DynamicSamplingFilter(o))
            .Register("pass_rate_window", o => new PassRateWindowFilter(o));

    public static IGroupFilter Create(string name, GroupFilterOptions? options = null) =>
        Registry.Create(name, options ?? new GroupFilterOptions());

    private sealed class KeepAllFilter : IGroupFilter
    {
        public string Name => "none";

        public GroupDecision Evaluate(ScoredGroup group) => GroupDecision.Keep();
    }
}
