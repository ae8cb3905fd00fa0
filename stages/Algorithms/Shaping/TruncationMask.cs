namespace Pipeline.Stages.Algorithms.Shaping;

/// <summary>
/// DAPO's overlong filtering (TRL's <c>mask_truncated_completions</c>): a completion cut off at the
/// length limit has no verdict on its reasoning, so its tokens get zero loss weight instead of a
/// misleading negative reward.
/// </summary>
public static class TruncationMask
{
    /// <summary>Per-token loss weights: 0 everywhere in a truncated completion, the given weight otherwise.</summary>
    public static float[][] Apply(float[][] tokenWeights, IReadOnlyList<bool> truncated)
    {
        if (tokenWeights.Length != truncated.Count)
        {
            throw new ArgumentException($"{tokenWeights.Length} weight rows but {truncated.Count} truncation flags.");
        }

        return [.. tokenWeights.Select((row, i) => truncated[i] ? new float[row.Length] : row)];
    }
}
