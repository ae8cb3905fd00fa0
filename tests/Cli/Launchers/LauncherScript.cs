using System.Text.RegularExpressions;

namespace Pipeline.Tests.Cli.Launchers;

/// <summary>
/// What a launcher does per verb, reduced to what both languages can say alike: which helpers it
/// calls (setup, quiet build, the CLI), the CLI verb and dotnet command, every --option, every
/// repository path, and whether the remaining arguments are passed on.
/// </summary>
public sealed record LauncherScript(IReadOnlyDictionary<string, IReadOnlySet<string>> Verbs, IReadOnlySet<string> UsageVerbs, IReadOnlySet<string> HeaderVerbs)
{
    /// <summary>The arm for verbs no other arm names: it hands them to the CLI.</summary>
    public const string Fallback = "*";

    private static readonly Dictionary<string, string> Synonyms = new(StringComparer.Ordinal)
    {
        ["setup"] = "<setup>",
        ["Invoke-Setup"] = "<setup>",
        ["quiet_build"] = "<build>",
        ["Build-Quiet"] = "<build>",
        ["cli"] = "<cli>",
        ["$@"] = "<args>",
        ["$rest"] = "<args>",
        ["@rest"] = "<args>",
    };

    /// <summary>Parses ./run: the arms of <c>case "$verb" in ... esac</c>.</summary>
    public static LauncherScript ParseBash(string text)
    {
        var body = Between(text, "case \"$verb\" in", "\nesac");
        var verbs = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (Match arm in Regex.Matches(body, @"^  (?<labels>[^\s)][^)]*)\)(?<body>.*?);;", RegexOptions.Multiline | RegexOptions.Singleline))
        {
            var facts = Facts(arm.Groups["body"].Value);
            foreach (var label in arm.Groups["labels"].Value.Split('|')) verbs.Add(label.Trim(), facts);
        }

        return new LauncherScript(verbs, Usage(text, "./run"), Header(text));
    }

    /// <summary>Parses run.ps1: the arms of <c>switch ($verb) { ... }</c>.</summary>
    public static LauncherScript ParsePowerShell(string text)
    {
        int open = text.IndexOf("switch ($verb) {", StringComparison.Ordinal);
        if (open < 0) throw new FormatException("run.ps1: no 'switch ($verb) {' dispatch found.");
        int start = text.IndexOf('{', open);
        var body = text[(start + 1)..Closing(text, start)];
        var verbs = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        int at = 0;
        while (true)
        {
            var label = Regex.Match(body[at..], @"^    (?<label>'[^']+'|\{ \$_ -in [^}]+\}|default)\s*\{", RegexOptions.Multiline);
            if (!label.Success) break;
            int armOpen = at + label.Index + label.Length - 1;
            int armClose = Closing(body, armOpen);
            // "dotnet $Cli x" is what ./run's cli function does: say it the same way.
            var facts = Facts(Regex.Replace(body[(armOpen + 1)..armClose], @"(?:&\s*)?dotnet\s+\(?@?\(?\$Cli,?", "cli "));
            var names = label.Groups["label"].Value switch
            {
                "default" => [Fallback],
                var l when l.StartsWith('\'') => [l.Trim('\'')],
                var l => Regex.Matches(l, "'([^']+)'").Select(m => m.Groups[1].Value).ToArray(),
            };
            foreach (var name in names) verbs.Add(name, facts);
            at = armClose + 1;
        }

        return new LauncherScript(verbs, Usage(text, "./run.ps1"), Header(text));
    }

    private static IReadOnlySet<string> Facts(string body)
    {
        var tokens = Regex.Matches(body, "\"[^\"]*\"|'[^']*'|[^\\s(),;&|@{}\\[\\]]+|@rest")
            .Select(m => m.Value.Trim('"', '\'', '`'))
            .Select(t => Regex.Match(t, @"^\w+=(?<value>.+)$") is { Success: true } assignment ? assignment.Groups["value"].Value : t)
            .Where(t => t.Length > 0)
            .Select(t => Synonyms.GetValueOrDefault(t, t))
            .ToList();
        var facts = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            string? next = i + 1 < tokens.Count ? tokens[i + 1] : null;
            if (Synonyms.ContainsValue(t)) facts.Add(t);
            if (t == "<cli>" && next is not null) facts.Add($"cli {next}");
            if (t == "dotnet" && next is not null) facts.Add($"dotnet {next}");
            if (Regex.IsMatch(t, @"^--[a-z][\w-]*$")) facts.Add(t);
            if (Regex.IsMatch(t, @"^[\w.-]+(/[\w.-]+)+$|^[\w.-]+\.(sln|csproj)$")) facts.Add(t);
            if (t.StartsWith("tests: ", StringComparison.Ordinal)) facts.Add(Regex.IsMatch(t, @"^tests: \S+ passed, \S+ failed, .* skipped$") ? "tests: N passed, N failed, N skipped" : t);
        }

        return facts;
    }

    private static HashSet<string> Usage(string text, string launcher)
    {
        var usage = Regex.Match(text, $@"usage: {Regex.Escape(launcher)} \{{(?<verbs>[^}}]+)\}} \[args\], or {Regex.Escape(launcher)} <pipeline verb> \[args\]");
        if (!usage.Success) throw new FormatException($"{launcher}: no 'usage: {launcher} {{verbs}} [args], or {launcher} <pipeline verb> [args]' line.");
        return [.. usage.Groups["verbs"].Value.Split('|')];
    }

    // The opening comment names the verbs as "Verbs: a, b, c; anything else" or "same verbs as ./run: a, b, c; anything else".
    private static HashSet<string> Header(string text)
    {
        var header = Regex.Match(text, @"[Vv]erbs(?: as \./run)?:\s*(?<verbs>[a-z, #\s]+?);\s*(?:#\s*)?anything else");
        if (!header.Success) throw new FormatException("launcher: the opening comment does not list its verbs ('...verbs...: a, b, c; anything else ...').");
        return [.. header.Groups["verbs"].Value.Split(',').Select(v => v.Replace("#", string.Empty, StringComparison.Ordinal).Trim())];
    }

    private static string Between(string text, string from, string to)
    {
        int start = text.IndexOf(from, StringComparison.Ordinal);
        int end = start < 0 ? -1 : text.IndexOf(to, start, StringComparison.Ordinal);
        if (start < 0 || end < 0) throw new FormatException($"launcher: no '{from}' ... '{to.Trim()}' block found.");
        return text[(start + from.Length)..(end + 1)];
    }

    /// <summary>The index of the brace closing the one at <paramref name="open"/>, skipping quoted strings (usage text holds braces).</summary>
    private static int Closing(string text, int open)
    {
        int depth = 0;
        for (int i = open; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '\'' or '"')
            {
                i = text.IndexOf(c, i + 1);
                if (i < 0) break;
                continue;
            }

            if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return i;
        }

        throw new FormatException($"launcher: unbalanced brace at offset {open}.");
    }
}
