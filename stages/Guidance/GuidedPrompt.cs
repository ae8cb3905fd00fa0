using Pipeline.Model.Tokenizers;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Policy;

namespace Pipeline.Stages.Guidance;

/// <summary>
/// Token ids of a guided request: the forced completion prefix, and the training prompt when the
/// loss conditions on other text than generation did. A prefix counts against max_new_tokens, so a
/// guided completion is never longer than a plain one may be.
/// </summary>
public sealed record GuidedPrompt(int[] Prefix, int[]? TrainingPrompt)
{
    public static GuidedPrompt None { get; } = new([], null);

    public static GuidedPrompt Encode(ITokenizer tokenizer, GroupRequest request)
    {
        if (request.Guidance is not { } g) return None;
        var prefix = g.CompletionPrefix.Length == 0 ? [] : tokenizer.Encode(g.CompletionPrefix, addSpecialTokens: false);
        return new GuidedPrompt(prefix, g.ContextSwapped ? tokenizer.Encode(g.TrainingContext) : null);
    }

    /// <summary>New tokens left to sample after the prefix; 0 when the prefix already ends the completion.</summary>
    public int NewTokens(SamplingOptions sampling) =>
        Prefix.Length > 0 && sampling.StopIds.Contains(Prefix[^1]) ? 0 : Math.Max(1, sampling.MaxNewTokens - Prefix.Length);

    /// <summary>The forced prefix followed by the sampled tokens.</summary>
    public int[] Join(int[] sampled) => Prefix.Length == 0 ? sampled : [.. Prefix, .. sampled];

    /// <summary>Behaviour log-probs with 0 (certainty) for the forced tokens.</summary>
    public float[] JoinLogProbs(float[] sampled) => Prefix.Length == 0 ? sampled : [.. new float[Prefix.Length], .. sampled];
}
