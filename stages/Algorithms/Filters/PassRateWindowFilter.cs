namespace Pipeline.Stages.Algorithms.Filters;

/// <summary>
/// Keeps groups whose pass rate lies in [min, max]: the "edge of competence", where a prompt is
/// neither solved every time nor never, and so carries the most learning signal.
/// </summary>
public sealed class PassRateWindowFilter : IGroupFilter
{
    private readonly GroupFilterOptions options;

    public PassRateWindowFilter(GroupFilterOptions options)
    {
        if (options.MinPassRate is < 0 or > 1 || options.MaxPassRate is < 0 or > 1 || options.MinPassRate > options.MaxPassRate)
        {
            throw new ArgumentException(
                $"pass-rate window [{options.MinPassRate}, {options.MaxPassRate}] must satisfy 0 <= min <= max <= 1.");
        }

        this.options = options;
    }

    public string Name => "pass_rate_window";

    public GroupDecision Evaluate(ScoredGroup group)
    {
        var p = group.PassRate;
        if (p < options.MinPassRate)
        {
            return p == 0 && options.GuideUnsolved ? new GroupDecision(GroupVerdict.Guide, "all_wrong") : new GroupDecision(GroupVerdict.Drop, "pass_rate_below_window");
        }

        return p > options.MaxPassRate ? new GroupDecision(GroupVerdict.Drop, "pass_rate_above_window") : GroupDecision.Keep("in_window");
    }
}
