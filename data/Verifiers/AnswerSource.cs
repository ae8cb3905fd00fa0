namespace Pipeline.Data.Verifiers;

/// <summary>Where in a completion an answer was found; logged in reasons as the snake_case name.</summary>
public enum AnswerSource
{
    None,
    AnswerTag,
    Boxed,
    AnswerIs,
    LastNumber,
    Whole,
}

/// <summary>An answer's place in the completion it came from (no copy is made).</summary>
public readonly record struct Extraction(AnswerSource Source, int Start, int Length)
{
    public bool Found => Source != AnswerSource.None;

    public ReadOnlySpan<char> In(string completion) => completion.AsSpan(Start, Length);

    public string SourceName => Source switch
    {
        AnswerSource.AnswerTag => "answer_tag",
        AnswerSource.Boxed => "boxed",
        AnswerSource.AnswerIs => "answer_is",
        AnswerSource.LastNumber => "last_number",
        AnswerSource.Whole => "whole",
        _ => "none",
    };
}
