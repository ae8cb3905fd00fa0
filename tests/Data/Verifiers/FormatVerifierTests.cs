using Pipeline.Data.Verifiers;

namespace Pipeline.Tests.Data.Verifiers;

public class FormatVerifierTests
{
    [Theory]
    [InlineData("<think>a</think><answer>b</answer>", null)]
    [InlineData("  <think>\na\n</think>\n<answer> b </answer>\n", null)]
    [InlineData("<think></think><answer></answer>", null)]
    [InlineData("<answer>b</answer>", "does not start with <think>")]
    [InlineData("<think>a<think>b</think><answer>c</answer>", "more than one <think>")]
    [InlineData("<think>a", "no </think>")]
    [InlineData("<think>a</think></think><answer>b</answer>", "more than one </think>")]
    [InlineData("<think>a<answer>x</answer></think><answer>b</answer>", "<answer> inside <think>")]
    [InlineData("<think>a</think> so <answer>b</answer>", "no <answer> right after </think>")]
    [InlineData("<think>a</think><answer>b", "no </answer>")]
    [InlineData("<think>a</think><answer>b<answer>c</answer>", "nested <answer>")]
    [InlineData("<think>a</think><answer>b</answer> bye", "text after </answer>")]
    public void Checks(string completion, string? reason)
    {
        var r = new FormatVerifier().Check(TestProblems.WithAnswer("x"), completion);
        Assert.Equal(reason ?? "ok", r.Reason);
        Assert.Equal(reason is null ? 1.0 : 0.0, r.Score);
    }

    [Fact]
    public void PrefilledThink()
    {
        var v = new FormatVerifier(new FormatOptions { ThinkPrefilled = true });
        Assert.Equal(1.0, v.Check(TestProblems.WithAnswer("x"), "a</think><answer>b</answer>").Score);
        Assert.Equal(0.0, v.Check(TestProblems.WithAnswer("x"), "<think>a</think><answer>b</answer>").Score);
    }
}
