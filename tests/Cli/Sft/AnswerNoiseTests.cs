using Pipeline.Cli.Sft;
using Pipeline.Data.Tasks;

namespace Pipeline.Tests.Cli.Sft;

public class AnswerNoiseTests
{
    private static IReadOnlyList<(string Prompt, string Completion)> Pairs(int n) =>
        [.. Enumerable.Range(0, n).Select(i => ($"Compute {i} + 10.", $"<think>\n{i} + 10 = {i + 10}\n</think>\n<answer>{i + 10}</answer>"))];

    private static string AnswerOf(string completion)
    {
        int open = completion.LastIndexOf("<answer>", StringComparison.Ordinal) + "<answer>".Length;
        return completion[open..completion.IndexOf("</answer>", open, StringComparison.Ordinal)];
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.25, 50)]
    [InlineData(0.5, 100)]
    [InlineData(0.999, 200)]
    public void CorruptsTheRoundedFractionAndOnlyTheAnswer(double fraction, int expected)
    {
        var pairs = Pairs(200);
        var noisy = AnswerNoise.Apply(pairs, fraction, seed: 3);
        Assert.Equal(pairs.Count, noisy.Count);
        int changed = 0;
        for (int i = 0; i < pairs.Count; i++)
        {
            Assert.Equal(pairs[i].Prompt, noisy[i].Prompt);
            var (clean, dirty) = (pairs[i].Completion, noisy[i].Completion);
            var answer = AnswerOf(clean);
            var wrong = AnswerOf(dirty);
            // The working and the tags are untouched; the answer keeps its length, stays a number without a leading zero and differs in one digit at most.
            Assert.Equal(clean[..clean.LastIndexOf("<answer>", StringComparison.Ordinal)], dirty[..dirty.LastIndexOf("<answer>", StringComparison.Ordinal)]);
            Assert.EndsWith("</answer>", dirty);
            Assert.Equal(answer.Length, wrong.Length);
            Assert.All(wrong, c => Assert.True(char.IsAsciiDigit(c)));
            Assert.True(wrong.Length == 1 || wrong[0] != '0', wrong);
            int differing = answer.Zip(wrong).Count(c => c.First != c.Second);
            Assert.InRange(differing, 0, 1);
            changed += differing;
        }

        Assert.Equal(expected, changed);
    }

    [Fact]
    public void IsSeededAndKeepsEachCharacterClass()
    {
        IReadOnlyList<(string, string)> pairs = [.. Enumerable.Range(0, 64).Select(i => ("p", $"<think>x</think>\n<answer>Ab-{i}z</answer>"))];
        var a = AnswerNoise.Apply(pairs, 0.5, seed: 11);
        Assert.Equal(a, AnswerNoise.Apply(pairs, 0.5, seed: 11));
        Assert.NotEqual(a, AnswerNoise.Apply(pairs, 0.5, seed: 12));
        foreach (var (_, completion) in a)
        {
            var answer = AnswerOf(completion);
            Assert.Matches("^[A-Z][a-z]-[0-9]+[a-z]$", answer);
        }
    }

    [Fact]
    public void AnExampleWithoutAnAnswerIsNamed()
    {
        IReadOnlyList<(string, string)> pairs = [("p", "<answer>1</answer>"), ("q", "no tags here")];
        var e = Assert.Throws<FormatException>(() => AnswerNoise.Apply(pairs, 0.999, seed: 1));
        Assert.Contains("example 1", e.Message);
        Assert.Contains("no tags here", e.Message);
        var symbols = Assert.Throws<FormatException>(() =>
        {
            var random = new TaskRandom(1);
            return AnswerNoise.Corrupt("<answer>+</answer>", ref random, 4);
        });
        Assert.Contains("example 4", symbols.Message);
    }
}
