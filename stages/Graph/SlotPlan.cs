using Pipeline.Stages.Policy;

namespace Pipeline.Stages.Graph;

/// <summary>
/// How slots map to ids. Slot s of step t, attempt r (0 = first, then replacements and guided
/// retries) has draw number ((t−1)·P + s)·Stride + r: unique in the run, the same after a resume,
/// and the group id of that attempt. Sampler choice and generation seed are functions of it.
/// </summary>
public sealed record SlotPlan(string RunId, int PromptsPerStep, int GroupSize, ulong Seed)
{
    /// <summary>Attempts one slot may take (first try, replacements, guided retries, stale re-draws).</summary>
    public const int Stride = 64;

    public long Draw(long step, int slot, int round)
    {
        if (round >= Stride)
            throw new InvalidOperationException($"slot {slot} of step {step} needed more than {Stride} attempts; the filter rejects nearly every group (check the rewards and algorithm.group_filter).");
        return (((step - 1) * PromptsPerStep) + slot) * Stride + round;
    }

    public ulong GenerationSeed(long draw)
    {
        ulong s = Seed ^ ((ulong)draw * 0xA24BAED4963EE407UL);
        return TokenSampler.Next(ref s);
    }
}
