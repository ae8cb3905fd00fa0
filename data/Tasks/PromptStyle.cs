namespace Pipeline.Data.Tasks;

/// <summary>How a task words its prompts.</summary>
public enum PromptStyle
{
    /// <summary>The question, every definition it needs and the answer-format instruction: for a pretrained model that reads instructions.</summary>
    Full,

    /// <summary>
    /// The question alone ("Compute 47 + 38."): for a model trained from scratch, which learns the
    /// format from its warm start and cannot read an instruction, but pays for every prompt token
    /// in generation and training.
    /// </summary>
    Terse,
}
