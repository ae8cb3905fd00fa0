namespace Pipeline.Model.Tokenizers;

/// <summary>What a split pre-tokenizer does with the delimiters it finds (Hugging Face's
/// SplitDelimiterBehavior).</summary>
internal enum SplitBehavior
{
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,
}

internal static class SplitBehaviorRules
{
    public static SplitBehavior Parse(string name, Func<string, Exception> error) => name switch
    {
        "Removed" => SplitBehavior.Removed,
        "Isolated" => SplitBehavior.Isolated,
        "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
        "MergedWithNext" => SplitBehavior.MergedWithNext,
        "Contiguous" => SplitBehavior.Contiguous,
        _ => throw error($"unknown split behavior '{name}' (known: Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous)"),
    };

    /// <summary>Cuts <paramref name="piece"/> at the matches and appends the non-empty parts the
    /// behaviour keeps, in order.</summary>
    public static void Apply(Piece piece, List<(int Start, int End)> matches, SplitBehavior behavior, bool invert, List<Piece> output)
    {
        if (behavior == SplitBehavior.Isolated && !invert)
        {
            // The hot path of byte-level tokenizers: keep matches and gaps alike, in order.
            var at = 0;
            foreach (var (start, end) in matches)
            {
                Emit(piece, at, start, output);
                Emit(piece, start, end, output);
                at = end;
            }
            Emit(piece, at, piece.Length, output);
            return;
        }

        // Segments cover the whole piece: the gaps between matches are segments too.
        var segments = new List<(int Start, int End, bool IsMatch)>(matches.Count * 2 + 1);
        var prev = 0;
        foreach (var (start, end) in matches)
        {
            if (prev != start) segments.Add((prev, start, invert));
            segments.Add((start, end, !invert));
            prev = end;
        }
        if (prev != piece.Length) segments.Add((prev, piece.Length, invert));

        switch (behavior)
        {
            case SplitBehavior.Isolated:
                foreach (var s in segments) Emit(piece, s.Start, s.End, output);
                break;
            case SplitBehavior.Removed:
                foreach (var s in segments) if (!s.IsMatch) Emit(piece, s.Start, s.End, output);
                break;
            case SplitBehavior.Contiguous:
            {
                var acc = new List<(int Start, int End)>();
                var previousMatch = false;
                foreach (var s in segments)
                {
                    if (s.IsMatch == previousMatch && acc.Count > 0) acc[^1] = (acc[^1].Start, s.End);
                    else acc.Add((s.Start, s.End));
                    previousMatch = s.IsMatch;
                }
                foreach (var (start, end) in acc) Emit(piece, start, end, output);
                break;
            }
            case SplitBehavior.MergedWithPrevious:
            {
                var acc = new List<(int Start, int End)>();
                var previousMatch = false;
                foreach (var s in segments)
                {
                    if (s.IsMatch && !previousMatch && acc.Count > 0) acc[^1] = (acc[^1].Start, s.End);
                    else acc.Add((s.Start, s.End));
                    previousMatch = s.IsMatch;
                }
                foreach (var (start, end) in acc) Emit(piece, start, end, output);
                break;
            }
            case SplitBehavior.MergedWithNext:
            {
                var acc = new List<(int Start, int End)>();
                var previousMatch = false;
                for (var k = segments.Count - 1; k >= 0; k--)
                {
                    var s = segments[k];
                    if (s.IsMatch && !previousMatch && acc.Count > 0) acc[^1] = (s.Start, acc[^1].End);
                    else acc.Add((s.Start, s.End));
                    previousMatch = s.IsMatch;
                }
                for (var k = acc.Count - 1; k >= 0; k--) Emit(piece, acc[k].Start, acc[k].End, output);
                break;
            }
        }
    }

    private static void Emit(Piece piece, int start, int end, List<Piece> output)
    {
        if (end > start) output.Add(piece.Slice(start, end));
    }
}
