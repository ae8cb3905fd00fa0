namespace Pipeline.Data.Verifiers;

public sealed class FormatOptions
{
    /// <summary>The prompt template already ends with "&lt;think&gt;", so the completion starts inside the thinking block.</summary>
    public bool ThinkPrefilled { get; set; }

    public double MatchScore { get; set; } = 1.0;
    public double MismatchScore { get; set; }
}

/// <summary>"format": the completion is exactly <c>&lt;think&gt;…&lt;/think&gt;&lt;answer&gt;…&lt;/answer&gt;</c>, whitespace allowed between and around.</summary>
public sealed class FormatVerifier : IVerifier
{
    public const string DefaultName = "format";
    private readonly FormatOptions _options;

    public FormatVerifier(FormatOptions? options = null, string name = DefaultName)
    {
        _options = options ?? new FormatOptions();
        Name = name;
    }

    public string Name { get; }

    public VerifierResult Verify(in VerifyInput input)
    {
        var reason = Check((input.Completion ?? string.Empty).AsSpan(), _options.ThinkPrefilled);
        return reason is null
            ? VerifierResult.Of(Name, _options.MatchScore, "ok")
            : VerifierResult.Of(Name, _options.MismatchScore, reason);
    }

    /// <summary>Null when the format holds, else what is wrong. Linear: a handful of ordinal searches.</summary>
    public static string? Check(ReadOnlySpan<char> s, bool thinkPrefilled)
    {
        s = s.Trim();
        if (!thinkPrefilled)
        {
            if (!s.StartsWith("<think>", StringComparison.Ordinal))
                return "does not start with <think>";
            s = s[7..];
        }
        if (s.Contains("<think>", StringComparison.Ordinal))
            return "more than one <think>";
        var endThink = s.IndexOf("</think>", StringComparison.Ordinal);
        if (endThink < 0)
            return "no </think>";
        var rest = s[(endThink + 8)..];
        if (rest.Contains("</think>", StringComparison.Ordinal))
            return "more than one </think>";
        if (s[..endThink].Contains("<answer>", StringComparison.Ordinal))
            return "<answer> inside <think>";
        rest = rest.TrimStart();
        if (!rest.StartsWith("<answer>", StringComparison.Ordinal))
            return "no <answer> right after </think>";
        rest = rest[8..];
        var endAnswer = rest.IndexOf("</answer>", StringComparison.Ordinal);
        if (endAnswer < 0)
            return "no </answer>";
        if (rest[..endAnswer].Contains("<answer>", StringComparison.Ordinal))
            return "nested <answer>";
        if (!rest[(endAnswer + 9)..].IsWhiteSpace())
            return "text after </answer>";
        return null;
    }
}
