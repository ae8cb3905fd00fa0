using Pipeline.Model.Torch;

namespace Pipeline.Stages.Policy;

/// <summary>
/// The boundary between the training graph and a language model. The graph needs four things of a
/// policy: sampling completions with their behaviour log-probs, scoring given completions (with or
/// without grad) for the loss, a second copy of itself (reference model, asynchronous generation
/// weights), and its state for checkpoints. A Llama adapter implements the same members.
/// </summary>
public interface IPolicyModel : IDisposable
{
    /// <summary>The config name of the implementation (tiny, fake, llama).</summary>
    string Kind { get; }

    /// <summary>Trainable parameters, in a fixed order (the optimizer's state follows it).</summary>
    IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>
    /// Samples one completion per row. Must not be called concurrently with a weight update
    /// (<see cref="CopyWeightsFrom"/>, an optimizer step); calls may run concurrently with each other.
    /// </summary>
    Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Log-probs [B, T] and entropies [B, T] of <paramref name="completions"/> given their prompts,
    /// under the same temperature generation used, with a [B, T] float mask of valid tokens. The
    /// tensors belong to the caller's dispose scope; with <paramref name="withGrad"/> the log-probs
    /// carry the graph back to <see cref="Parameters"/>.
    /// </summary>
    ScoreResult Score(IReadOnlyList<int[]> prompts, IReadOnlyList<int[]> completions, double temperature, bool withGrad);

    /// <summary>A new model of the same shape holding a copy of these weights.</summary>
    IPolicyModel Clone();

    /// <summary>Overwrites these weights with <paramref name="source"/>'s (same kind and shape).</summary>
    void CopyWeightsFrom(IPolicyModel source);

    /// <summary>Writes the weights as safetensors.</summary>
    void Save(string path);

    /// <summary>Reads weights written by <see cref="Save"/>; shapes must match.</summary>
    void Load(string path);
}

/// <summary>Sampling settings, named as vLLM and TRL name them.</summary>
public sealed record SamplingOptions
{
    public double Temperature { get; init; } = 1.0;

    /// <summary>0 keeps every token.</summary>
    public int TopK { get; init; }

    /// <summary>1 keeps every token.</summary>
    public double TopP { get; init; } = 1.0;

    public int MaxNewTokens { get; init; } = 32;

    /// <summary>Generation of a row ends after any of these ids (the id is part of the completion).</summary>
    public IReadOnlyList<int> StopIds { get; init; } = [];
}

/// <param name="Prompts">Prompt token ids per row.</param>
/// <param name="Seed">Row i samples from a stream seeded by (Seed, i), so a request is reproducible.</param>
public sealed record GenerationRequest(IReadOnlyList<int[]> Prompts, SamplingOptions Sampling, ulong Seed)
{
    /// <summary>
    /// Each row's own stream seed, overriding (Seed, i): rows of several groups batched into one call
    /// keep the streams they would have had alone, whatever else shares the call and at which row.
    /// </summary>
    public IReadOnlyList<ulong>? RowSeeds
    {
        get;
        init => field = value is null || value.Count == Prompts.Count
            ? value
            : throw new ArgumentException($"{value.Count} row seeds for {Prompts.Count} prompts.", nameof(RowSeeds));
    }

    /// <summary>The stream seed of row <paramref name="row"/>: its own seed, else derived from (Seed, row).</summary>
    public ulong RowSeed(int row) => RowSeeds?[row] ?? TokenSampler.RowState(Seed, row);

    /// <summary>Every row's stream seed (<see cref="RowSeed"/>), e.g. to carry the rows into a batched call.</summary>
    public ulong[] AllRowSeeds() => [.. Enumerable.Range(0, Prompts.Count).Select(RowSeed)];
}

/// <summary>One sampled completion: ids, behaviour log-prob of each, and why it ended.</summary>
public sealed record Completion(int[] TokenIds, float[] LogProbs, string FinishReason)
{
    public const string Stop = "stop";
    public const string Length = "length";

    public bool Truncated => FinishReason == Length;
}

public sealed record GenerationResult(IReadOnlyList<Completion> Completions);

/// <summary>Tensors of one <see cref="IPolicyModel.Score"/> call, all [B, T].</summary>
public sealed record ScoreResult(Tensor LogProbs, Tensor Entropies, Tensor Mask);
