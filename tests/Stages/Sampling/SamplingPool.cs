using Pipeline.Data.Problems;

namespace Pipeline.Tests.Stages.Sampling;

internal static class SamplingPool
{
    public static Problem[] Of(int n) => [.. Enumerable.Range(0, n).Select(i => new Problem { Id = $"p{i}", Prompt = "x", Answer = "1", Task = "t" })];
}
