using Pipeline.Data.Problems;

namespace Pipeline.Data.Verifiers;

/// <summary>
/// What a verifier sees. <see cref="Length"/> is the completion length in tokens as the
/// generator counted them; when it is unknown (negative) length-based components fall back to
/// the character count. <see cref="Truncated"/> is true when generation stopped at its limit.
/// </summary>
public readonly record struct VerifyInput(Problem Problem, string Completion, int Length = -1, bool Truncated = false)
{
    public int EffectiveLength => Length >= 0 ? Length : Completion.Length;
}
