using System.Text;

namespace Pipeline.Data.Tasks;

/// <summary>One named string function of the composition task, with the definition shown to the model.</summary>
public sealed record StringFunction(string Name, string Definition, Func<string, string> Apply)
{
    /// <summary>The function set: each is total on lowercase ASCII strings and easy to state in one line.</summary>
    public static readonly IReadOnlyList<StringFunction> All =
    [
        new("reverse", "reverses the string", s => new string(s.Reverse().ToArray())),
        new("sort", "sorts the characters alphabetically", s => new string(s.Order().ToArray())),
        new("upper", "turns every letter into upper case", s => s.ToUpperInvariant()),
        new("swapcase", "turns lower-case letters into upper case and upper-case letters into lower case",
            s => new string(s.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)).ToArray())),
        new("rotate", "moves the first character to the end", s => s.Length < 2 ? s : s[1..] + s[0]),
        new("double", "writes every character twice", s => string.Concat(s.Select(c => new string(c, 2)))),
        new("dedupe", "keeps only the first occurrence of each character", s => new string(s.Distinct().ToArray())),
        new("drop_vowels", "removes the vowels a, e, i, o, u (either case)", s => new string(s.Where(c => "aeiouAEIOU".IndexOf(c) < 0).ToArray())),
        new("shift", "replaces each letter by the next one in the alphabet (z becomes a, Z becomes A)", Shift),
        new("evens", "keeps the characters at positions 1, 3, 5, … (the first, third, fifth, …)",
            s => new string(s.Where((_, i) => i % 2 == 0).ToArray())),
    ];

    private static string Shift(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                'z' => 'a',
                'Z' => 'A',
                >= 'a' and < 'z' or >= 'A' and < 'Z' => (char)(c + 1),
                _ => c,
            });
        }
        return sb.ToString();
    }
}
