using Pipeline.Model.Torch;

namespace Pipeline.Model.Policy;

/// <summary>How the next token is chosen. Greedy ignores temperature, top-k and top-p.</summary>
public sealed record SamplingOptions
{
    public int MaxNewTokens { get; init; } = 256;
    public double Temperature { get; init; } = 1.0;  // logits are divided by it; the reported log-probs use the same scaled distribution
    public int TopK { get; init; }                   // 0: off
    public double TopP { get; init; } = 1.0;         // 1: off; else the smallest set of tokens whose probability reaches it
    public bool Greedy { get; init; }
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];
    public IReadOnlyList<string> StopStrings { get; init; } = []; // need a tokenizer; checked on the decoded completion
    public ulong Seed { get; init; }

    public void Validate()
    {
        if (MaxNewTokens < 1) throw new ArgumentException($"MaxNewTokens must be at least 1, not {MaxNewTokens}");
        if (!(Temperature > 0)) throw new ArgumentException($"Temperature must be positive, not {Temperature}");
        if (TopK < 0) throw new ArgumentException($"TopK must be 0 (off) or positive, not {TopK}");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentException($"TopP must be in (0, 1], not {TopP}");
    }
}

public enum FinishReason
{
    Stop,   // a stop token id or stop string ended the row
    Length, // MaxNewTokens reached
}

/// <summary>Prompts (token ids, any lengths) and how to continue them.</summary>
public sealed record GenerationRequest(int[][] PromptIds, SamplingOptions Options)
{
    /// <summary>One seed per row: each row then samples from its own stream (<see cref="RowSampler"/>) instead of one stream seeded by Options.Seed.</summary>
    public IReadOnlyList<ulong>? RowSeeds { get; init; }
}

/// <summary>
/// One row's completion: its tokens (a stop token that ended it included), the log-prob of each
/// under the temperature-scaled distribution (before top-k/top-p, which is what the trainer
/// recomputes), and why it ended.
/// </summary>
public sealed record GenerationRow(int[] Tokens, float[] LogProbs, FinishReason FinishReason);

/// <summary>Wall-clock time of the first step (prompt prefill + first sample) and of the decode steps after it.</summary>
public sealed record GenerationTimings(TimeSpan Prefill, TimeSpan Decode, int DecodeSteps);

public sealed record GenerationResult(IReadOnlyList<GenerationRow> Rows, GenerationTimings? Timings = null);

/// <summary>Turns one step's logits into tokens and their log-probs, on the device, batched.</summary>
public static class Sampler
{
    /// <summary>
    /// logits (B, V) float32 -> (tokens (B) int64, logProbs (B) float32). Log-probs are
    /// log_softmax(logits / T) at the chosen token (T = 1 when greedy).
    /// </summary>
    public static (Tensor Tokens, Tensor LogProbs) Sample(Tensor logits, SamplingOptions o, Generator? generator)
    {
        var scaled = o.Greedy || o.Temperature == 1.0 ? logits : logits / o.Temperature;   // (B, V)
        Tensor tokens;
        if (o.Greedy)
        {
            tokens = logits.argmax(-1, keepdim: true);                                        // (B, 1)
        }
        else
        {
            var filtered = Filter(scaled, o.TopK, o.TopP);
            tokens = torch.multinomial(filtered.softmax(-1), 1, generator: generator);        // (B, 1)
        }
        // log_softmax at one token per row: x_t - logsumexp(x), without writing all B x V log-probs.
        return (tokens.squeeze(1), (scaled.gather(1, tokens) - scaled.logsumexp(-1, keepdim: true)).squeeze(1));
    }

    /// <summary>Sets logits outside top-k and outside the top-p nucleus to -inf; the most likely token always stays.</summary>
    public static Tensor Filter(Tensor scaled, int topK, double topP) // (B, V)
    {
        var V = scaled.size(-1);
        if (topK > 0 && topK < V)
        {
            var kth = scaled.topk(topK, -1).values.narrow(-1, topK - 1, 1);                  // (B, 1)
            scaled = scaled.masked_fill(scaled.lt(kth), double.NegativeInfinity);
        }
        if (topP < 1.0)
        {
            var (sorted, order) = scaled.sort(-1, descending: true);                         // (B, V)
            var probs = sorted.softmax(-1);
            var before = probs.cumsum(-1) - probs;                                            // mass strictly above each token
            var dropSorted = before.ge(topP);                                                 // the first token has 0 before it: never dropped
            var drop = dropSorted.scatter(-1, order, dropSorted);                             // back to vocabulary order
            scaled = scaled.masked_fill(drop, double.NegativeInfinity);
        }
        return scaled;
    }
}
