using Pipeline.Data.Rollouts;
using Pipeline.Data.Verifiers;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Guidance;

namespace Pipeline.Tests.Stages.Graph;

/// <summary>Guided retries through the whole graph: escalation, logged contexts and provenance, and keep_failures.</summary>
public class GuidedGraphTests
{
    /// <summary>Correct only when the completion holds the tagged reference answer: the fake policy never writes it, a full solution prefix does.</summary>
    private sealed class TaggedAnswerVerifier : IAsyncVerifier
    {
        public string Name => "answer";

        public ValueTask<VerifierResult> VerifyAsync(VerifyInput input, CancellationToken cancellationToken)
        {
            double score = input.Completion.Contains("<answer>" + input.Problem.Answer + "</answer>", StringComparison.Ordinal) ? 1 : 0;
            return ValueTask.FromResult(VerifierResult.Of(Name, score, score > 0 ? "correct" : "wrong"));
        }
    }

    private static async Task<List<RolloutRecord>> Run(string treatment, bool keepFailures, string source = "solution_prefix")
    {
        var baseConfig = GraphHarness.FakeConfig(steps: 3, filter: "dynamic_sampling");
        var config = baseConfig with
        {
            Generation = baseConfig.Generation with { MaxNewTokens = 64 },
            Algorithm = baseConfig.Algorithm with { GuideUnsolved = true, MaxExtraRounds = 4, SftCoef = 1 },
            Guidance = new GuidanceOptions { Source = source, Treatment = treatment, KeepFailures = keepFailures },
        };
        using var harness = new GraphHarness(config, new TaggedAnswerVerifier());
        await harness.RunAsync();
        return [.. harness.Log.Steps.SelectMany(s => s.Rows)];
    }

    [Theory]
    [InlineData("sft")]
    [InlineData("on_policy")]
    public async Task UnsolvedGroupsEscalateToTheFullSolutionAndLogBothContexts(string treatment)
    {
        var rows = await Run(treatment, keepFailures: false);
        Assert.Equal(rows.Count, rows.Select(r => (r.GroupId, r.SampleIndex)).Distinct().Count());
        var hinted = rows.Where(r => r.Provenance == Provenance.Hinted).ToList();
        Assert.NotEmpty(hinted);
        Assert.All(hinted, r => Assert.NotNull(r.HintTier));
        // Tiers 0..2 reveal 25..75% of the solution and fail; tier 3 reveals it all and succeeds.
        Assert.Equal([0, 1, 2, 3], hinted.Select(r => r.HintTier!.Value).Distinct().Order());
        Assert.All(hinted.Where(r => r.HintTier < 3), r => Assert.Equal(Fate.Filtered, r.FilterDecision));
        var solved = hinted.Where(r => r.HintTier == 3).ToList();
        Assert.All(solved, r => Assert.Equal(Fate.Trained, r.FilterDecision));
        Assert.All(solved, r => Assert.Equal(1.0, r.RewardTotal));
        // The prefix sits in the completion, so generation and training contexts are the plain prompt.
        Assert.All(hinted, r => Assert.Equal(r.GenerationContext, r.TrainingContext));
        Assert.All(rows.Where(r => r.Provenance != Provenance.Hinted), r => Assert.Null(r.HintTier));
        Assert.All(rows.Where(r => r.Provenance != Provenance.Hinted), r => Assert.True(r.ForcedTokens == 0 && r.GuidanceSource is null));
        Assert.All(hinted, r => Assert.True(r.ForcedTokens > 0 && r.ForcedTokens <= r.CompletionTokenIds.Length));
        Assert.All(hinted, r => Assert.Equal(("solution_prefix", treatment), (r.GuidanceSource, r.GuidanceTreatment)));
        Assert.All(hinted, r => Assert.All(r.BehaviourLogProbs.Span[..r.ForcedTokens].ToArray(), lp => Assert.Equal(0f, lp)));
    }

    [Fact]
    public async Task KeepFailuresTrainsThePlainFailuresWithTheirSolvedRetry()
    {
        var rows = await Run("on_policy", keepFailures: true);
        Assert.Equal(rows.Count, rows.Select(r => (r.GroupId, r.SampleIndex)).Distinct().Count());
        var trainedPlain = rows.Where(r => r.Provenance == Provenance.OnPolicy && r.FilterDecision == Fate.Trained && r.RewardTotal == 0).ToList();
        var trainedHinted = rows.Where(r => r.Provenance == Provenance.Hinted && r.FilterDecision == Fate.Trained).ToList();
        Assert.NotEmpty(trainedPlain);
        Assert.Equal(trainedPlain.Count, trainedHinted.Count);
        Assert.All(trainedHinted, r => Assert.True(r.Advantage > 0));
        Assert.All(trainedPlain, r => Assert.True(r.Advantage < 0));
        Assert.All(trainedPlain, r => Assert.EndsWith("_with_failures", r.FilterReason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task HintsStrippedForTrainingAreLoggedWithBothContextsAndTokenLists()
    {
        var rows = await Run("importance", keepFailures: false, source: "tiered");
        var hinted = rows.Where(r => r.Provenance == Provenance.Hinted).ToList();
        Assert.NotEmpty(hinted);
        Assert.All(hinted, r =>
        {
            Assert.Equal(r.TrainingContext + "\nHint: ", r.GenerationContext[..(r.TrainingContext.Length + 7)]);
            Assert.NotNull(r.GenerationPromptTokenIds);
            Assert.True(r.GenerationPromptTokenIds!.Value.Length > r.PromptTokenIds.Length);
            Assert.Equal(("tiered", "importance"), (r.GuidanceSource, r.GuidanceTreatment));
        });
        Assert.All(rows.Where(r => r.Provenance == Provenance.OnPolicy), r => Assert.Null(r.GenerationPromptTokenIds));
    }
}
