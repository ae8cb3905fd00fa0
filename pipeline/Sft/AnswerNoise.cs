using Pipeline.Data.Tasks;

namespace Pipeline.Cli.Sft;

/// <summary>
/// A sloppy teacher: changes one character of the final answer (the text of the last
/// &lt;answer&gt;…&lt;/answer&gt;) in a seeded fraction of warm-start demonstrations, leaving the
/// working before it untouched. It stands for distillation data whose answers are unreliable, which
/// a verifier-rewarded stage can correct and imitation cannot.
/// </summary>
public static class AnswerNoise
{
    private const string Open = "<answer>";
    private const string Close = "</answer>";

    /// <summary>The pairs with <paramref name="fraction"/> of them (rounded to the nearest count, chosen by a seeded shuffle) corrupted.</summary>
    public static IReadOnlyList<(string Prompt, string Completion)> Apply(IReadOnlyList<(string Prompt, string Completion)> pairs, double fraction, ulong seed)
    {
        if (!(fraction >= 0 && fraction <= 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "must lie in [0, 1]");
        int count = (int)Math.Round(fraction * pairs.Count, MidpointRounding.AwayFromZero);
        if (count == 0) return pairs;
        // SplitMix64 rather than System.Random, whose seeded sequence .NET does not promise to keep.
        var random = new TaskRandom(seed ^ 0xA45E_0153_1CE5_D00DUL);
        var order = Enumerable.Range(0, pairs.Count).ToArray();
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        var result = pairs.ToArray();
        foreach (var i in order.Take(count))
            result[i] = (pairs[i].Prompt, Corrupt(pairs[i].Completion, ref random, i));
        return result;
    }

    /// <summary>
    /// The completion with one digit or letter of its answer changed to another of its class (a
    /// transcription slip: the rest of the answer still copies the working, so imitation learns the
    /// copy and a slip rate; a leading digit stays non-zero).
    /// </summary>
    public static string Corrupt(string completion, ref TaskRandom random, int index)
    {
        int open = completion.LastIndexOf(Open, StringComparison.Ordinal);
        int close = open < 0 ? -1 : completion.IndexOf(Close, open + Open.Length, StringComparison.Ordinal);
        if (close < 0)
            throw new FormatException($"sft.answer_noise: example {index} has no <answer>…</answer> to corrupt: {Preview(completion)}");
        int start = open + Open.Length;
        var chars = completion[start..close].ToCharArray();
        var positions = Enumerable.Range(0, chars.Length).Where(k => char.IsAsciiLetterOrDigit(chars[k])).ToArray();
        if (positions.Length == 0)
            throw new FormatException($"sft.answer_noise: example {index}'s answer '{new string(chars)}' has no digit or letter to change.");
        int at = positions[random.Next(positions.Length)];
        char old = chars[at];
        bool leading = (at == 0 || !char.IsAsciiDigit(chars[at - 1])) && at + 1 < chars.Length && char.IsAsciiDigit(chars[at + 1]);
        var (first, count) = old switch
        {
            _ when char.IsAsciiDigit(old) => leading ? ('1', 9) : ('0', 10),
            _ when char.IsAsciiLetterLower(old) => ('a', 26),
            _ => ('A', 26),
        };
        // Draw among the class without the old character, so one draw always gives a different answer.
        var pick = (char)(first + random.Next(count - 1));
        chars[at] = pick >= old ? (char)(pick + 1) : pick;
        return string.Concat(completion.AsSpan(0, start), chars, completion.AsSpan(close));
    }

    private static string Preview(string s) => s.Length <= 60 ? s : s[..57] + "...";
}
