namespace Pipeline.Stages.Algorithms.Advantages;

/// <summary>
/// One batch of scored completions: the outcome reward of each row, the group (prompt) it belongs
/// to, and its number of completion tokens. Groups may differ in size; nothing assumes a fixed G.
/// </summary>
public sealed record AdvantageInput(float[] Rewards, int[] Groups, int[] Lengths)
{
    public int Count => Rewards.Length;

    public void Validate()
    {
        if (Groups.Length != Rewards.Length || Lengths.Length != Rewards.Length)
        {
            throw new ArgumentException(
                $"advantage input rows disagree: {Rewards.Length} rewards, {Groups.Length} group ids, {Lengths.Length} lengths.");
        }

        for (var i = 0; i < Lengths.Length; i++)
        {
            if (Lengths[i] < 0)
            {
                throw new ArgumentException($"row {i} has a negative length {Lengths[i]}.");
            }

            if (!float.IsFinite(Rewards[i]))
            {
                throw new ArgumentException($"row {i} has a non-finite reward {Rewards[i]}.");
            }
        }
    }

    /// <summary>Row indices of each group, in order of first appearance.</summary>
    public IReadOnlyList<int[]> GroupRows()
    {
        var order = new List<int>();
        var rows = new Dictionary<int, List<int>>();
        for (var i = 0; i < Groups.Length; i++)
        {
            if (!rows.TryGetValue(Groups[i], out var list))
            {
                rows[Groups[i]] = list = [];
                order.Add(Groups[i]);
            }

            list.Add(i);
        }

        return [.. order.Select(g => rows[g].ToArray())];
    }
}

/// <summary>
/// Advantages of a batch: one value per completion token (the row's length), and a sequence
/// value per row for logs and sequence-level consumers.
/// </summary>
public sealed record AdvantageResult(float[][] Tokens)
{
    /// <summary>The advantage of a row's first token; for outcome estimators every token carries it.</summary>
    public float Sequence(int row) => Tokens[row].Length > 0 ? Tokens[row][0] : 0f;

    /// <summary>Broadcasts one value per row over its tokens.</summary>
    public static AdvantageResult FromSequences(IReadOnlyList<double> values, int[] lengths)
    {
        var tokens = new float[lengths.Length][];
        for (var i = 0; i < lengths.Length; i++)
        {
            tokens[i] = new float[lengths[i]];
            Array.Fill(tokens[i], (float)values[i]);
        }

        return new AdvantageResult(tokens);
    }
}
