using Pipeline.Data.Problems;

namespace Pipeline.Data.Datasets;

/// <summary>Loaded problems with the report of how they were loaded.</summary>
public sealed class Dataset(IReadOnlyList<Problem> problems, DatasetLoadReport report)
{
    public IReadOnlyList<Problem> Problems { get; } = problems;
    public DatasetLoadReport Report { get; } = report;

    /// <summary>
    /// A seeded order that depends only on the ids, not on the file's row order: the same seed
    /// gives the same order after rows are reordered, and adding rows does not reshuffle the rest.
    /// </summary>
    public IReadOnlyList<Problem> Shuffled(ulong seed) =>
        Problems.OrderBy(p => StableHash.Of(p.Id, seed)).ThenBy(p => p.Id, StringComparer.Ordinal).ToArray();

    /// <summary>The problems of one split, chosen by id hash (see <see cref="ProblemSplitter"/>), in file order.</summary>
    public IReadOnlyList<Problem> Split(ProblemSplit split, double heldOutFraction, ulong splitSeed = 0) =>
        Problems.Where(p => ProblemSplitter.Assign(p.Id, heldOutFraction, splitSeed) == split).ToArray();
}
