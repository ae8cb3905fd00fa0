using BenchmarkDotNet.Attributes;
using Pipeline.Model.Policy;
using Pipeline.Model.Torch;

namespace Pipeline.Bench.Policy;

/// <summary>
/// Prefill (whole prompt, first token) and decode (16 further tokens) of the generator, greedy.
/// tokens/s = Batch x 32 / prefill mean, Batch x 16 / (decode mean - prefill mean).
/// <c>dotnet run -c Release --project bench -- --filter '*PolicyGeneration*' --job short</c>
/// </summary>
[MemoryDiagnoser]
public class PolicyGenerationBenchmarks
{
    private const int PromptLen = 32, NewTokens = 16;
    private LlamaModel _model = null!;
    private int[][] _prompts = null!;

    [Params("10m", "100m")]
    public string Size { get; set; } = "10m";

    [Params(1, 16, 64)]
    public int Batch { get; set; }

    [Params(ScalarType.Float32)]
    public ScalarType DType { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = LlamaModel.Create(PolicyBenchConfigs.ByName(Size), seed: 0, DType);
        var rng = new Random(1);
        _prompts = [.. Enumerable.Range(0, Batch).Select(_ => Enumerable.Range(0, PromptLen).Select(_ => rng.Next(_model.Config.VocabSize)).ToArray())];
    }

    [GlobalCleanup]
    public void Cleanup() => _model.Dispose();

    [Benchmark(Baseline = true, Description = "prefill: prompt + 1 token")]
    public GenerationResult Prefill() => Run(1);

    [Benchmark(Description = "prefill + 16 decode steps")]
    public GenerationResult Decode() => Run(1 + NewTokens);

    private GenerationResult Run(int n) =>
        new PolicyGenerator(_model).Generate(new GenerationRequest(_prompts, new SamplingOptions { Greedy = true, MaxNewTokens = n }));
}
