using Pipeline.Cli.Training;
using Pipeline.Data.Problems;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Guidance;
using Pipeline.Stages.Policy;

namespace Pipeline.Tests.Stages.Guidance;

public class GuidanceSourceTests
{
    private static readonly Problem Problem = new()
    {
        Id = "p",
        Prompt = "Compute 12 + 34.",
        Answer = "46",
        Task = "arithmetic",
        Hints = ["abstract", "concrete"],
        Solution = "<think>\n12 + 34 = 46\n</think>\n<answer>46</answer>",
    };

    [Fact]
    public void UnknownNamesListTheValidOnes()
    {
        var errors = new GuidanceOptions { Source = "hints", Treatment = "guide" }.Validate();
        Assert.Contains(errors, e => e.StartsWith("guidance.source: unknown guidance source 'hints'; valid names: expo, solution_prefix, tiered.", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("guidance.treatment: unknown guidance treatment 'guide'; valid names: importance, on_policy, sft.", StringComparison.Ordinal));
        Assert.Empty(new GuidanceOptions().Validate());
    }

    [Fact]
    public void TieredRevealsOneHintPerTier()
    {
        var planner = GuidancePlanner.Create(new GuidanceOptions { Source = "tiered", Treatment = "on_policy" });
        Assert.True(planner.HasTier(Problem, 1));
        Assert.False(planner.HasTier(Problem, 2));
        var payload = planner.Payload(Problem, 1, 0);
        Assert.Equal("Compute 12 + 34.\nHint: concrete", payload.GenerationContext);
        Assert.Equal(payload.GenerationContext, payload.TrainingContext);
        Assert.Equal("", payload.CompletionPrefix);
        Assert.False(payload.ContextSwapped);
    }

    [Theory]
    [InlineData("importance")]
    [InlineData("sft")]
    public void TreatmentsWithoutTheHintTrainUnderThePlainPrompt(string treatment)
    {
        var payload = GuidancePlanner.Create(new GuidanceOptions { Source = "tiered", Treatment = treatment }).Payload(Problem, 0, 0);
        Assert.Equal("Compute 12 + 34.", payload.TrainingContext);
        Assert.True(payload.ContextSwapped);
        Assert.Equal(treatment, payload.Treatment);
    }

    [Fact]
    public void SolutionPrefixGrowsPerTierShrinksWithPassRateAndKeepsTagsWhole()
    {
        var source = new SolutionPrefixSource(new GuidanceOptions { PrefixStep = 0.25, PrefixMax = 1.0 });
        Assert.Equal(4, source.Tiers(Problem));
        Assert.Equal(0, source.Tiers(Problem with { Solution = null }));
        var prefixes = Enumerable.Range(0, 4).Select(t => source.Help(Problem, t, 0).CompletionPrefix).ToArray();
        for (int t = 1; t < 4; t++) Assert.True(prefixes[t].Length > prefixes[t - 1].Length);
        Assert.Equal(Problem.Solution, prefixes[3]);
        Assert.All(prefixes, p => Assert.StartsWith(p, Problem.Solution, StringComparison.Ordinal));
        Assert.True(source.Help(Problem, 3, 0.5).CompletionPrefix.Length < prefixes[3].Length);
        Assert.Equal(0.5, source.Share(1, 0), 12);
        Assert.Equal(0.25, source.Share(1, 0.5), 12);
        // A cut inside "<answer>" moves back to the '<'; a cut after a closed tag stays.
        string s = "ab<answer>c";
        Assert.Equal(2, SolutionPrefixSource.Cut(s, 5 / 11.0));
        Assert.Equal(10, SolutionPrefixSource.Cut(s, 10 / 11.0));
    }

    [Fact]
    public void ExpoShowsTheAnswerAndTrainsWithoutItUnderImportance()
    {
        var payload = GuidancePlanner.Create(new GuidanceOptions { Source = "expo", Treatment = "importance" }).Payload(Problem, 0, 0);
        Assert.Contains("46", payload.GenerationContext, StringComparison.Ordinal);
        Assert.StartsWith(Problem.Prompt, payload.GenerationContext, StringComparison.Ordinal);
        Assert.Equal(Problem.Prompt, payload.TrainingContext);
        Assert.Equal(1, new ExpoSource().Tiers(Problem));
    }

    [Fact]
    public void ForcedPrefixJoinsTheCompletionWithCertainBehaviourLogProbs()
    {
        var tokenizer = TrainingRun.CreateTokenizer();
        var payload = GuidancePlanner.Create(new GuidanceOptions { Source = "solution_prefix", Treatment = "sft" }).Payload(Problem, 1, 0);
        var request = new GroupRequest("r", 1, 0, 1, 9, Problem, 2, "hinted", 1, 3) { Guidance = payload };
        var guided = GuidedPrompt.Encode(tokenizer, request);
        Assert.Equal(tokenizer.Encode(payload.CompletionPrefix, addSpecialTokens: false), guided.Prefix);
        Assert.Null(guided.TrainingPrompt); // the prefix is in the completion: the contexts agree
        var tiered = GuidancePlanner.Create(new GuidanceOptions { Source = "tiered", Treatment = "importance" }).Payload(Problem, 0, 0);
        Assert.Equal(tokenizer.Encode(Problem.Prompt), GuidedPrompt.Encode(tokenizer, request with { Guidance = tiered }).TrainingPrompt);
        Assert.Equal([.. guided.Prefix, 7, 8], guided.Join([7, 8]));
        Assert.Equal([.. new float[guided.Prefix.Length], -1f], guided.JoinLogProbs([-1f]));
        var sampling = new SamplingOptions { MaxNewTokens = 40, StopIds = [tokenizer.TokenToId("</answer>")!.Value] };
        Assert.Equal(40 - guided.Prefix.Length, guided.NewTokens(sampling));
        var whole = GuidedPrompt.Encode(tokenizer, request with { Guidance = payload with { CompletionPrefix = Problem.Solution! } });
        Assert.Equal(0, whole.NewTokens(sampling));
        Assert.Same(GuidedPrompt.None, GuidedPrompt.Encode(tokenizer, request with { Guidance = null }));
    }
}
