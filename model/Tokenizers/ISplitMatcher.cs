namespace Pipeline.Model.Tokenizers;

/// <summary>Finds the non-overlapping matches of a split pattern, left to right, as
/// (start, end) pairs in UTF-16 units.</summary>
internal interface ISplitMatcher
{
    void FindMatches(ReadOnlySpan<char> text, List<(int Start, int End)> matches);
}
