using Pipeline.Model.Torch;

namespace Pipeline.Model.Policy;

/// <summary>
/// Per-token log-probs and entropies of completions, (B, Tc) each, Tc the longest completion.
/// Mask is 1 at real completion tokens and 0 at padding, where LogProbs and Entropies are 0.
/// </summary>
public sealed record ScoreResult(Tensor LogProbs, Tensor Entropies, Tensor Mask) : IDisposable
{
    public void Dispose()
    {
        LogProbs.Dispose();
        Entropies.Dispose();
        Mask.Dispose();
    }
}

/// <summary>
/// Scores given prompt + completion token ids under the current weights: the trainer's new
/// (with grad), old and reference (without) log-probs all come from here. Prompts are left-padded
/// and completions right-padded, so every completion starts at the same column; positions are per
/// row and padding is masked out of attention, so a row's scores do not depend on its batch.
/// Float32 models on the CPU go through one native call (<see cref="NativeScorer"/>) unless
/// <see cref="LlamaModel.UseNativeKernel"/> is off; the op-by-op path below is its reference.
/// </summary>
public static class Scorer
{
    public static ScoreResult Score(LlamaModel model, int[][] promptIds, int[][] completionIds, double temperature = 1.0, bool withGrad = false)
    {
        var B = promptIds.Length;
        if (completionIds.Length != B)
        {
            throw new ArgumentException($"{B} prompts but {completionIds.Length} completions");
        }
        if (B == 0) throw new ArgumentException("nothing to score");
        if (!(temperature > 0)) throw new ArgumentException($"temperature must be positive, not {temperature}");
        var V = model.Config.VocabSize;
        for (var b = 0; b < B; b++)
        {
            if (promptIds[b].Length == 0) throw new ArgumentException($"prompt {b} is empty: the first completion token needs a context");
            foreach (var id in promptIds[b].Concat(completionIds[b]))
            {
                if (id < 0 || id >= V) throw new ArgumentException($"row {b} holds token id {id}, outside [0, {V})");
            }
        }
        var P = promptIds.Max(p => p.Length);
        var Tc = Math.Max(1, completionIds.Max(c => c.Length));
        var N = P + Tc;
        var ids = new long[B * N];
        var valid = new bool[B * N];
        var targets = new long[B * Tc];
        var mask = new float[B * Tc];
        var pad = new long[B];
        for (var b = 0; b < B; b++)
        {
            var (p, c) = (promptIds[b], completionIds[b]);
            pad[b] = P - p.Length;
            for (var i = 0; i < p.Length; i++) (ids[b * N + pad[b] + i], valid[b * N + pad[b] + i]) = (p[i], true);
            for (var i = 0; i < c.Length; i++)
            {
                (ids[b * N + P + i], valid[b * N + P + i]) = (c[i], true);
                (targets[b * Tc + i], mask[b * Tc + i]) = (c[i], 1f);
            }
        }

        using var grad = withGrad ? null : torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var device = model.Device;
        var m = torch.tensor(mask, [B, Tc], device: device);                                   // (B, Tc)
        if (NativeScorer.Supports(model))
        {
            var (nativeLogp, nativeEntropy) = NativeScorer.Score(model, ids, pad, [.. completionIds.Select(c => (long)c.Length)], P, Tc, temperature);
            return new ScoreResult(nativeLogp.MoveToOuterDisposeScope(), nativeEntropy.MoveToOuterDisposeScope(), m.MoveToOuterDisposeScope());
        }
        var input = torch.tensor(ids, [B, N], device: device);                                 // (B, N)
        var validT = torch.tensor(valid, [B, N], device: device);                              // (B, N)
        var positions = LlamaModel.Positions(torch.tensor(pad, device: device), 0, N);         // (B, N)
        var attn = LlamaModel.AttentionMask(validT, 0, N);                                     // (B, 1, N, N)
        // Position P-1+i predicts completion token i.
        var logits = model.Forward(input, positions, attn, logitsFrom: P - 1).narrow(1, 0, Tc); // (B, Tc, V)
        if (temperature != 1.0) logits = logits / temperature;
        var logp = logits.log_softmax(-1);                                                     // (B, Tc, V)
        var target = torch.tensor(targets, [B, Tc, 1], device: device);                        // (B, Tc, 1)
        var tokenLogp = logp.gather(2, target).squeeze(2) * m;                                 // (B, Tc)
        var entropy = -(logp.exp() * logp).sum(-1) * m;                                        // (B, Tc)
        return new ScoreResult(tokenLogp.MoveToOuterDisposeScope(), entropy.MoveToOuterDisposeScope(), m.MoveToOuterDisposeScope());
    }
}
