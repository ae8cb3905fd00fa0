using Pipeline.Model.Tokenizers;
using Pipeline.Model.Torch;

namespace Pipeline.Model.Policy;

/// <summary>
/// Batched sampling with a KV cache. Prompts are left-padded to a common length so every row
/// writes the cache at the same slot; each row keeps its own rotary positions (starting at 0 at
/// its first real token) and never attends to padding, so a row's tokens do not depend on what
/// else is in the batch. Rows that stop are fed a dummy token and no longer grow; the loop ends
/// when every row has finished. One host copy per step (the sampled tokens and their log-probs).
/// A float32 CPU model (<see cref="NativeDecoder.Supports"/>) runs greedy or row-seeded requests
/// through <see cref="NativeDecoder"/> instead: the same tokens, the whole loop in one native call.
/// </summary>
public sealed class PolicyGenerator(LlamaModel model, ITokenizer? tokenizer = null)
{
    public GenerationResult Generate(GenerationRequest request)
    {
        var o = request.Options;
        o.Validate();
        var prompts = request.PromptIds;
        var B = prompts.Length;
        if (B == 0) return new GenerationResult([]);
        if (o.StopStrings.Count > 0 && tokenizer is null)
        {
            throw new ArgumentException("stop strings need a tokenizer: construct the generator with one");
        }
        var V = model.Config.VocabSize;
        for (var b = 0; b < B; b++)
        {
            if (prompts[b].Length == 0) throw new ArgumentException($"prompt {b} is empty");
            foreach (var id in prompts[b])
            {
                if (id < 0 || id >= V) throw new ArgumentException($"prompt {b} holds token id {id}, outside [0, {V})");
            }
        }
        var P = prompts.Max(p => p.Length);
        var capacity = P + o.MaxNewTokens;
        if (capacity > model.Config.MaxPositionEmbeddings)
        {
            throw new ArgumentException($"longest prompt ({P}) + max new tokens ({o.MaxNewTokens}) exceeds max_position_embeddings={model.Config.MaxPositionEmbeddings}");
        }

        var ids = new long[B * P];
        var valid = new bool[B * capacity];
        var pad = new long[B];
        for (var b = 0; b < B; b++)
        {
            pad[b] = P - prompts[b].Length;
            for (var i = 0; i < prompts[b].Length; i++) ids[b * P + pad[b] + i] = prompts[b][i];
            for (var j = (int)pad[b]; j < capacity; j++) valid[b * capacity + j] = true;
        }

        if (request.RowSeeds is { } rowSeeds && rowSeeds.Count != B) throw new ArgumentException($"{rowSeeds.Count} row seeds for {B} prompts");
        // The native kernel draws with the per-row counter-based uniforms; one shared torch
        // generator stream (no row seeds) stays on the ATen path, whose draws it could not repeat.
        if (NativeDecoder.Supports(model) && (o.Greedy || request.RowSeeds is not null))
        {
            return GenerateNative(ids, pad, P, capacity, o, request.RowSeeds);
        }

        var tokens = new List<int>[B];
        var logProbs = new List<float>[B];
        var finish = new FinishReason?[B];
        for (var b = 0; b < B; b++) (tokens[b], logProbs[b]) = ([], []);
        var maxStop = o.StopStrings.Count > 0 ? o.StopStrings.Max(s => s.Length) : 0;
        var host = new double[2 * B];
        var next = new long[B];

        using var inference = torch.inference_mode();
        using var rowSampler = o.Greedy || request.RowSeeds is null ? null : new RowSampler(request.RowSeeds, o.MaxNewTokens, model.Device);
        using var generator = o.Greedy || rowSampler is not null ? null : new Generator(o.Seed, model.Device);
        using var cache = new KvCache(model.Config, B, capacity, model.DType, model.Device);
        using var validT = torch.tensor(valid, [B, capacity], device: model.Device).DetachFromDisposeScope();
        using var padT = torch.tensor(pad, device: model.Device).DetachFromDisposeScope();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var prefill = TimeSpan.Zero;
        var steps = 0;
        for (var step = 0; step < o.MaxNewTokens; step++)
        {
            if (step == 1) prefill = clock.Elapsed;
            steps = step;
            using (var scope = torch.NewDisposeScope())
            {
                Tensor logits;
                if (step == 0)
                {
                    var input = torch.tensor(ids, [B, P], device: model.Device);                   // (B, P)
                    var positions = LlamaModel.Positions(padT, 0, P);                              // (B, P)
                    var mask = LlamaModel.AttentionMask(validT.narrow(1, 0, P), 0, P);             // (B, 1, P, P)
                    logits = model.Forward(input, positions, mask, cache, logitsFrom: P - 1);      // (B, 1, V)
                }
                else
                {
                    var slot = P + step - 1;                                                      // where the last sampled token goes
                    var input = torch.tensor(next, [B, 1], device: model.Device);                  // (B, 1)
                    var positions = LlamaModel.Positions(padT, slot, 1);                           // (B, 1)
                    var mask = LlamaModel.AttentionMask(validT.narrow(1, 0, slot + 1), slot, 1);   // (B, 1, 1, S)
                    logits = model.Forward(input, positions, mask, cache);                         // (B, 1, V)
                }
                var (tok, lp) = rowSampler?.Sample(logits.select(1, 0), o, step) ?? Sampler.Sample(logits.select(1, 0), o, generator); // (B), (B)
                torch.cat([tok.to(ScalarType.Float64), lp.to(ScalarType.Float64)]).cpu().CopyTo<double>(host);
            }

            var running = 0;
            for (var b = 0; b < B; b++)
            {
                if (finish[b] is not null)
                {
                    next[b] = 0; // any valid id: a finished row's outputs are never read
                    continue;
                }
                var t = (int)host[b];
                tokens[b].Add(t);
                logProbs[b].Add((float)host[B + b]);
                next[b] = t;
                if (o.StopTokenIds.Contains(t) || (maxStop > 0 && EndsInStopString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(tokens[b]), o.StopStrings, maxStop)))
                {
                    finish[b] = FinishReason.Stop;
                }
                else if (tokens[b].Count == o.MaxNewTokens)
                {
                    finish[b] = FinishReason.Length;
                }
                else
                {
                    running++;
                }
            }
            if (running == 0) break;
        }

        var total = clock.Elapsed;
        if (steps == 0) prefill = total;
        var rows = new GenerationRow[B];
        for (var b = 0; b < B; b++)
        {
            rows[b] = new GenerationRow([.. tokens[b]], [.. logProbs[b]], finish[b] ?? FinishReason.Length);
        }
        return new GenerationResult(rows, new GenerationTimings(prefill, total - prefill, steps));
    }

    /// <summary>
    /// The same generation through <see cref="NativeDecoder"/>: the whole decode loop in one native
    /// call, or one call per step when stop strings (which need the tokenizer) are checked here.
    /// </summary>
    private GenerationResult GenerateNative(long[] ids, long[] pad, int P, int capacity, SamplingOptions o, IReadOnlyList<ulong>? rowSeeds)
    {
        var B = pad.Length;
        var n = o.MaxNewTokens;
        double[]? uniforms = null;
        if (!o.Greedy)
        {
            uniforms = new double[B * n];
            for (var b = 0; b < B; b++)
            {
                for (var s = 0; s < n; s++) uniforms[b * n + s] = RowSampler.Uniform(rowSeeds![b], s);
            }
        }
        var state = new byte[B];   // 0 running, 1 stop, 2 length
        var tokens = new int[B * n];
        var logProbs = new float[B * n];
        var counts = new int[B];
        int[] stopIds = [.. o.StopTokenIds];
        var maxStop = o.StopStrings.Count > 0 ? o.StopStrings.Max(s => s.Length) : 0;
        using var decoder = new NativeDecoder(model, B, capacity, P);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        int Step(int step0, int steps)
        {
            var ran = decoder.Run(ids, P, pad, o, uniforms, stopIds, step0, steps, state, tokens, logProbs, counts);
            if (maxStop == 0) return ran;
            // Stop strings after stop ids, before length, as the ATen path checks them.
            for (var b = 0; b < B; b++)
            {
                if (state[b] != 1 && counts[b] == step0 + 1 && EndsInStopString(tokens.AsSpan(b * n, counts[b]), o.StopStrings, maxStop)) state[b] = 1;
            }
            return ran;
        }
        var total = Step(0, 1);
        var prefill = clock.Elapsed;
        if (maxStop == 0)
        {
            total += Step(1, n - 1);
        }
        else
        {
            for (var step = 1; step < n && state.Contains((byte)0); step++) total += Step(step, 1);
        }
        var elapsed = clock.Elapsed;
        var rows = new GenerationRow[B];
        for (var b = 0; b < B; b++)
        {
            rows[b] = new GenerationRow(tokens.AsSpan(b * n, counts[b]).ToArray(), logProbs.AsSpan(b * n, counts[b]).ToArray(),
                state[b] == 1 ? FinishReason.Stop : FinishReason.Length);
        }
        if (total <= 1) prefill = elapsed;
        return new GenerationResult(rows, new GenerationTimings(prefill, elapsed - prefill, total - 1));
    }

    // Checked every step, so a stop string is caught at the token that completes it: only the
    // newest tokens need decoding. Every token decodes to at least one character (or a
    // replacement character), so maxStop + a few tokens always cover the longest stop string.
    private bool EndsInStopString(ReadOnlySpan<int> completion, IReadOnlyList<string> stops, int maxStop)
    {
        var window = Math.Min(completion.Length, maxStop + 4);
        var text = tokenizer!.Decode(completion[^window..]);
        foreach (var s in stops)
        {
            if (s.Length > 0 && text.Contains(s, StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
