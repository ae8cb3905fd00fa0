namespace Pipeline.Data.Problems;

public enum ProblemSplit
{
    Train,
    HeldOut,
}

/// <summary>
/// Assigns a problem to a split from its id alone, so the held-out set does not move when a
/// dataset is reordered, appended to or regenerated with another generation seed.
/// </summary>
public static class ProblemSplitter
{
    public static ProblemSplit Assign(string id, double heldOutFraction, ulong splitSeed = 0)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!(heldOutFraction >= 0 && heldOutFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(heldOutFraction), heldOutFraction, "held-out fraction must lie in [0, 1]");
        return StableHash.Unit(StableHash.Of(id, splitSeed)) < heldOutFraction ? ProblemSplit.HeldOut : ProblemSplit.Train;
    }
}
