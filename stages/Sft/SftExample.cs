namespace Pipeline.Stages.Sft;

/// <summary>One supervised pair: the prompt's token ids (the context) and the reference completion's ids (the targets).</summary>
public sealed record SftExample(int[] Prompt, int[] Completion);
