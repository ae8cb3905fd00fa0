using Pipeline.Cli.Configuration;
using Pipeline.Cli.Training;
using Pipeline.Data.Problems;
using Pipeline.Data.Tasks;
using Pipeline.Data.Verifiers;
using Pipeline.Model.Tokenizers;
using Pipeline.Stages.Evaluation;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Policy;

namespace Pipeline.Cli.Evaluation;

/// <param name="N">Samples per problem.</param>
/// <param name="Ks">The k of pass@k and maj@k; each must lie in 1..N.</param>
/// <param name="Problems">Problems of the split to evaluate.</param>
public sealed record EvalOptions(int N, IReadOnlyList<int> Ks, ProblemSplit Split, int Problems);

/// <summary>
/// Samples N completions per problem of a split with the run's model, sampling settings and reward
/// components, and scores them as the training graph does (the run's correctness component decides).
/// </summary>
public static class Evaluator
{
    public static async Task<EvalResult> RunAsync(RunConfig config, IPolicyModel policy, ITokenizer tokenizer, EvalOptions options, CancellationToken ct)
    {
        if (options.N < 1) throw new ArgumentOutOfRangeException(nameof(options), $"--n: {options.N} must be at least 1.");
        if (options.Problems < 1) throw new ArgumentOutOfRangeException(nameof(options), $"--problems: {options.Problems} must be at least 1.");
        if (options.Ks.FirstOrDefault(k => k < 1 || k > options.N) is var bad && bad != 0)
            throw new ArgumentOutOfRangeException(nameof(options), $"--k: {bad} must lie in 1..n ({options.N}); pass@k needs k of the n samples.");

        var task = TaskRegistry.CreateDefault().Get(config.Task.Name);
        var problems = ProblemGenerator.Generate(task, config.Task.ToTaskOptions(config.Seed), options.Split, options.Problems);
        var verifier = VerifierRegistry.CreateDefault().CreateComposite("reward", config.Rewards.Select(r => (r.Name, r.Weight)));
        var rule = new CorrectnessRule(config.Task.CorrectnessComponent);
        var sampling = Sampling(config, tokenizer);

        var scored = new List<ProblemSamples>(problems.Count);
        for (int p = 0; p < problems.Count; p++)
        {
            var problem = problems[p];
            var prompt = tokenizer.Encode(problem.Prompt);
            var prompts = Enumerable.Repeat(prompt, options.N).ToArray();
            // A seed per problem keeps one problem's samples independent of how many others are evaluated.
            var result = await policy.GenerateAsync(new GenerationRequest(prompts, sampling, config.Seed ^ StableHash.Of(problem.Id, 0)), ct).ConfigureAwait(false);
            var samples = result.Completions.Select(c =>
            {
                var text = tokenizer.Decode(c.TokenIds);
                var verdict = verifier.Verify(new VerifyInput(problem, text, c.TokenIds.Length, c.Truncated));
                var found = AnswerExtractor.Extract(text, new ExtractionOptions());
                var answer = found.Found ? AnswerNormalizer.Normalize(text.AsSpan(found.Start, found.Length)) : null;
                return new Sample(rule.IsCorrect(verdict), answer, c.TokenIds.Length, verdict.Score);
            }).ToList();
            scored.Add(new ProblemSamples(problem.Id, samples));
        }

        return EvalResult.From(scored, options);
    }

    /// <summary>The training graph's sampling: the run's generation section, stopping at EOS or &lt;/answer&gt;.</summary>
    public static SamplingOptions Sampling(RunConfig config, ITokenizer tokenizer)
    {
        var stops = new List<int>();
        if (tokenizer.EosId is { } eos) stops.Add(eos);
        if (tokenizer.TokenToId("</answer>") is { } close) stops.Add(close);
        return new SamplingOptions
        {
            Temperature = config.Generation.Temperature,
            TopK = config.Generation.TopK,
            TopP = config.Generation.TopP,
            MaxNewTokens = config.Generation.MaxNewTokens,
            StopIds = stops,
        };
    }
}

public sealed record Sample(bool Correct, string? Answer, int Length, double Reward);

public sealed record ProblemSamples(string ProblemId, IReadOnlyList<Sample> Samples);
