using Pipeline.Model.Checkpoints;
using Pipeline.Model.Policy;
using Pipeline.Model.Tokenizers;
using Pipeline.Model.Torch;
using ModelGeneration = Pipeline.Model.Policy;

namespace Pipeline.Stages.Policy;

/// <summary>
/// The Llama-family decoder (model/Policy) behind the graph's policy boundary: batched KV-cache
/// generation and the batched scorer. Every row samples from its own seeded stream
/// (<see cref="GenerationRequest.RowSeed"/>), so a row's tokens do not depend on the rows batched
/// with it, up to the last bits of batched matmuls, whose rounding can change with the batch size.
/// </summary>
public sealed class LlamaPolicy : IPolicyModel
{
    private readonly LlamaModel model;
    private readonly ITokenizer? tokenizer;

    public LlamaPolicy(LlamaModel model, ITokenizer? tokenizer = null)
    {
        this.model = model;
        this.tokenizer = tokenizer;
        Parameters = [.. model.Parameters()];
    }

    public string Kind => "llama";

    public LlamaModel Model => model;

    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>A freshly initialised model of the given shape (the small models trained from scratch here).</summary>
    public static LlamaPolicy Create(LlamaConfig config, ulong seed, ITokenizer? tokenizer = null) =>
        new(LlamaModel.Create(config, seed), tokenizer);

    /// <summary>A Hugging Face checkpoint folder (config.json, safetensors, optional tokenizer.json).</summary>
    public static LlamaPolicy FromCheckpoint(string directory)
    {
        var tokenizerFile = Path.Combine(directory, "tokenizer.json");
        return new LlamaPolicy(HfCheckpoint.Load(directory), File.Exists(tokenizerFile) ? HfTokenizer.Load(tokenizerFile) : null);
    }

    public Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var options = new ModelGeneration.SamplingOptions
        {
            MaxNewTokens = request.Sampling.MaxNewTokens,
            Temperature = request.Sampling.Temperature,
            TopK = request.Sampling.TopK,
            TopP = request.Sampling.TopP,
            StopTokenIds = request.Sampling.StopIds,
            Seed = request.Seed,
        };
        var result = new PolicyGenerator(model, tokenizer).Generate(
            new ModelGeneration.GenerationRequest([.. request.Prompts], options) { RowSeeds = request.AllRowSeeds() });
        var completions = result.Rows
            .Select(r => new Completion(r.Tokens, r.LogProbs, r.FinishReason == FinishReason.Stop ? Completion.Stop : Completion.Length))
            .ToList();
        return Task.FromResult(new GenerationResult(completions));
    }

    public ScoreResult Score(IReadOnlyList<int[]> prompts, IReadOnlyList<int[]> completions, double temperature, bool withGrad)
    {
        var scored = Scorer.Score(model, [.. prompts], [.. completions], temperature, withGrad);
        return new ScoreResult(scored.LogProbs, scored.Entropies, scored.Mask);
    }

    public IPolicyModel Clone() => new LlamaPolicy(model.CopyAs(model.DType, model.Device), tokenizer).WithNativeKernels(model.UseNativeKernel);

    /// <summary>Whether generation may use the whole-model native kernel (float32 CPU models only; see LlamaModel.UseNativeKernel).</summary>
    public LlamaPolicy WithNativeKernels(bool on)
    {
        model.UseNativeKernel = on;
        return this;
    }

    public void CopyWeightsFrom(IPolicyModel source) =>
        model.CopyWeightsFrom(source is LlamaPolicy llama
            ? llama.model
            : throw new ArgumentException($"cannot copy weights from a '{source.Kind}' policy into a llama policy."));

    public void Save(string path) => SafetensorsWriter.Write(path, model.NamedParameters);

    public void Load(string path) => SafetensorsLoad.Into(path, model.NamedParameters);

    public void Dispose() => model.Dispose();
}
