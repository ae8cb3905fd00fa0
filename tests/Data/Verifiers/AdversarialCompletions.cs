using System.Text;

namespace Pipeline.Tests.Data.Verifiers;

/// <summary>Seeded hostile completions: huge, deeply nested, malformed UTF-16, regex-killers, enormous numbers, and random splices of all of them.</summary>
internal static class AdversarialCompletions
{
    private const int Megabyte = 1 << 20;

    private static readonly string[] Fragments =
    [
        "<think>", "</think>", "<answer>", "</answer>", "<ANSWER>", "\\boxed{", "\\boxed ", "\\fbox{", "}", "{", "\\{", "\\}",
        "\\frac{", "\\dfrac", "\\frac12", "\\left(", "\\right)", "\\text{", " cm}", "^\\circ", "^{\\circ}", "°", "\\%", "%",
        "$", "\\(", "\\)", "\\[", "\\]", "\\", "the answer is ", "The final answer is: ", "answer is", ". ", "\n", "\r\n",
        "1", "0", "-", "−", "+", "*", "/", "÷", "×", "(", ")", "=", ".", ",", "1,234", "1,2", "3.14", "1e5", "1e999999999",
        "*10^{", "99999999999999999999", "0/0", "1/0", "(((", ")))", "\ud800", "\udc00", "\ud83d\ude00", "\0", "\u202e",
        "a", "aaaa", "é", "∞", "NaN", "Infinity", "null", "  ", "\t",
    ];

    public static IEnumerable<string> Generate(int count, int seed)
    {
        var fixedCases = Fixed().ToList();
        foreach (var c in fixedCases)
            yield return c;
        var random = new Random(seed);
        var sb = new StringBuilder();
        for (var i = fixedCases.Count; i < count; i++)
        {
            sb.Clear();
            var parts = random.Next(1, 60);
            for (var k = 0; k < parts; k++)
            {
                var roll = random.Next(20);
                if (roll == 0)
                    sb.Append((char)random.Next(0, 0x10000)); // any UTF-16 unit, surrogates included
                else if (roll == 1)
                    sb.Append(new string(Fragments[random.Next(Fragments.Length)][0], random.Next(1, 300)));
                else
                    sb.Append(Fragments[random.Next(Fragments.Length)]);
            }
            yield return sb.ToString();
        }
    }

    private static IEnumerable<string> Fixed()
    {
        yield return "";
        yield return new string('x', Megabyte);
        yield return new string('9', Megabyte);
        yield return new string('(', Megabyte);
        yield return new string('{', Megabyte);
        yield return new string('\ud800', Megabyte);
        yield return "<answer>" + new string('(', Megabyte) + "1" + new string(')', Megabyte) + "</answer>";
        yield return "<answer>" + new string('(', 5_000) + "1" + new string(')', 5_000) + "</answer>";
        yield return "<answer>" + new string('9', 100_000) + "</answer>";
        yield return "\\boxed{" + new string('9', 100_000) + "}";
        yield return "\\boxed{" + new string('9', 300) + "e400}";
        yield return "\\boxed{1e999999999}";
        yield return "\\boxed{9*10^{99999999}}";
        yield return "\\boxed{\\frac{" + new string('7', 400) + "}{" + new string('3', 399) + "}}";
        yield return Repeat("\\boxed{", Megabyte / 7);
        yield return Repeat("\\frac{", Megabyte / 6) + Repeat("}", Megabyte / 6);
        yield return Repeat("<answer>", Megabyte / 8);
        yield return Repeat("</answer>", Megabyte / 9);
        yield return Repeat("<think>", Megabyte / 7) + "</think><answer>1</answer>";
        yield return "<think>" + new string('a', Megabyte) + "</think><answer>42</answer>";
        yield return Repeat("answer is ", Megabyte / 10);
        yield return Repeat("1,", Megabyte / 2);
        yield return Repeat("1.", Megabyte / 2);
        yield return Repeat("1e", Megabyte / 2);
        yield return Repeat("\\text{", Megabyte / 6);
        yield return Repeat("\\", Megabyte);
        yield return Repeat("$", Megabyte);
        yield return Repeat("\ud83d\ude00", Megabyte / 2);
        yield return Repeat("\udc00\ud800", Megabyte / 2);
        yield return "<answer>" + Repeat("1+", 100_000) + "1</answer>";
        yield return "<answer>" + Repeat("1/", 100) + "0</answer>";
        yield return "<answer>" + Repeat("(1-1)/", 20) + "1</answer>";
        yield return "<answer>99999999 * 99999999 * 99999999 * 99999999</answer>";
        yield return new string('a', 50_000) + "!";
        yield return "<think>" + Repeat("<answer>", 1000) + "</think>";
    }

    private static string Repeat(string s, int times) => new StringBuilder(s.Length * times).Insert(0, s, times).ToString();
}
