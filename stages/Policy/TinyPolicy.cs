using Pipeline.Model.Checkpoints;
using Pipeline.Model.Torch;
using F = Pipeline.Model.Torch.torch.nn.functional;

namespace Pipeline.Stages.Policy;

/// <summary>
/// A small real language model for tests and CPU runs: the next token depends on the current and
/// previous tokens and on a mean-pooled summary of the prompt,
/// logits = W2 · gelu(W1 · (E[x_t] + P[x_{t-1}] + C · mean E[prompt]) + b1) + b2.
/// Every op runs through libtorch with autograd, so the trainer exercises the same code paths a
/// transformer does, in milliseconds.
/// </summary>
public sealed class TinyPolicy : IPolicyModel
{
    private readonly TinyPolicyOptions _options;
    private readonly (string Name, Tensor Tensor)[] _named;

    public TinyPolicy(TinyPolicyOptions options)
    {
        options.Validate();
        _options = options;
        using var generator = new Generator(options.Seed);
        Tensor Init(long[] shape, double std)
        {
            var t = torch.randn(shape, generator: generator);
            t.mul_(std);
            t.requires_grad_();
            return t;
        }

        int v = options.VocabSize, d = options.Dim, h = options.Hidden;
        _named =
        [
            ("tok_emb.weight", Init([v, d], 0.5)),
            ("prev_emb.weight", Init([v, d], 0.5)),
            ("ctx.weight", Init([d, d], 1.0 / Math.Sqrt(d))),
            ("fc1.weight", Init([h, d], 1.0 / Math.Sqrt(d))),
            ("fc1.bias", torch.zeros([h], requires_grad: true)),
            ("fc2.weight", Init([v, h], 1.0 / Math.Sqrt(h))),
            ("fc2.bias", torch.zeros([v], requires_grad: true)),
        ];
        foreach (var (_, t) in _named) t.DetachFromDisposeScope();
        Parameters = [.. _named.Select(n => n.Tensor)];
    }

    public string Kind => "tiny";

    public TinyPolicyOptions Options => _options;

    public IReadOnlyList<Tensor> Parameters { get; }

    public IReadOnlyList<(string Name, Tensor Tensor)> NamedParameters => _named;

    private Tensor TokEmb => _named[0].Tensor;
    private Tensor PrevEmb => _named[1].Tensor;
    private Tensor CtxW => _named[2].Tensor;
    private Tensor Fc1W => _named[3].Tensor;
    private Tensor Fc1B => _named[4].Tensor;
    private Tensor Fc2W => _named[5].Tensor;
    private Tensor Fc2B => _named[6].Tensor;

    public Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        var prompts = request.Prompts;
        var sampling = request.Sampling;
        int b = prompts.Count, v = _options.VocabSize;
        var stop = new HashSet<int>(sampling.StopIds);
        var states = new ulong[b];
        var cur = new long[b];
        var prev = new long[b];
        var tokens = new List<int>[b];
        var logps = new List<float>[b];
        var done = new bool[b];
        for (int i = 0; i < b; i++)
        {
            states[i] = request.RowSeed(i);
            var p = prompts[i];
            cur[i] = p.Length > 0 ? p[^1] : _options.PadId;
            prev[i] = p.Length > 1 ? p[^2] : _options.PadId;
            tokens[i] = new List<int>(sampling.MaxNewTokens);
            logps[i] = new List<float>(sampling.MaxNewTokens);
        }

        var row = new float[v];
        using (torch.inference_mode())
        using (var scope = torch.NewDisposeScope())
        {
            var ctx = Context(prompts);
            for (int t = 0; t < sampling.MaxNewTokens && done.Contains(false); t++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var stepScope = torch.NewDisposeScope();
                var logits = Forward(torch.tensor(cur, [b, 1]), torch.tensor(prev, [b, 1]), ctx);
                var lsm = (logits / sampling.Temperature).log_softmax(-1).reshape(b, v);
                var all = lsm.data<float>();
                for (int i = 0; i < b; i++)
                {
                    if (done[i]) continue;
                    all.AsSpan(i * v, v).CopyTo(row);
                    int next = TokenSampler.Sample(row, sampling.TopK, sampling.TopP, ref states[i]);
                    tokens[i].Add(next);
                    logps[i].Add(row[next]);
                    prev[i] = cur[i];
                    cur[i] = next;
                    if (stop.Contains(next)) done[i] = true;
                }
            }
        }

        var completions = new Completion[b];
        for (int i = 0; i < b; i++)
            completions[i] = new Completion([.. tokens[i]], [.. logps[i]], done[i] ? Completion.Stop : Completion.Length);
        return Task.FromResult(new GenerationResult(completions));
    }

    public ScoreResult Score(IReadOnlyList<int[]> prompts, IReadOnlyList<int[]> completions, double temperature, bool withGrad)
    {
        int b = completions.Count;
        int width = Math.Max(1, completions.Max(c => c.Length));
        var cur = new long[b * width];
        var prev = new long[b * width];
        var target = new long[b * width];
        var mask = new float[b * width];
        Array.Fill(cur, _options.PadId);
        Array.Fill(prev, _options.PadId);
        Array.Fill(target, _options.PadId);
        for (int i = 0; i < b; i++)
        {
            var p = prompts[i];
            var c = completions[i];
            for (int t = 0; t < c.Length; t++)
            {
                int k = (i * width) + t;
                cur[k] = t >= 1 ? c[t - 1] : p.Length > 0 ? p[^1] : _options.PadId;
                prev[k] = t >= 2 ? c[t - 2] : t == 1 ? (p.Length > 0 ? p[^1] : _options.PadId) : (p.Length > 1 ? p[^2] : _options.PadId);
                target[k] = c[t];
                mask[k] = 1f;
            }
        }

        using var grad = withGrad ? torch.enable_grad() : torch.no_grad();
        var ctx = Context(prompts);
        var logits = Forward(torch.tensor(cur, [b, width]), torch.tensor(prev, [b, width]), ctx);
        var lsm = (logits / temperature).log_softmax(-1);
        var logp = lsm.gather(2, torch.tensor(target, [b, width, 1])).reshape(b, width);
        var entropy = -(lsm.exp() * lsm).sum(2);
        return new ScoreResult(logp, withGrad ? entropy.detach() : entropy, torch.tensor(mask, [b, width]));
    }

    /// <summary>Mean token embedding of each prompt, projected: [B, D].</summary>
    private Tensor Context(IReadOnlyList<int[]> prompts)
    {
        int b = prompts.Count;
        int width = Math.Max(1, prompts.Max(p => p.Length));
        var ids = new long[b * width];
        var mask = new float[b * width];
        Array.Fill(ids, _options.PadId);
        for (int i = 0; i < b; i++)
        {
            for (int t = 0; t < prompts[i].Length; t++)
            {
                ids[(i * width) + t] = prompts[i][t];
                mask[(i * width) + t] = 1f;
            }
        }

        var m = torch.tensor(mask, [b, width, 1]);
        var emb = F.embedding(torch.tensor(ids, [b, width]), TokEmb) * m;          // [B, P, D]
        var mean = emb.sum(1) / m.sum(1).clamp_min(1);                               // [B, D]
        return F.linear(mean, CtxW);
    }

    /// <summary>Logits [B, T, V] from current ids [B, T], previous ids [B, T] and context [B, D].</summary>
    private Tensor Forward(Tensor cur, Tensor prev, Tensor ctx)
    {
        var z = F.embedding(cur, TokEmb) + F.embedding(prev, PrevEmb) + ctx.unsqueeze(1);   // [B, T, D]
        var h = F.gelu(F.linear(z, Fc1W, Fc1B));                                             // [B, T, H]
        return F.linear(h, Fc2W, Fc2B);                                                      // [B, T, V]
    }

    public IPolicyModel Clone()
    {
        var copy = new TinyPolicy(_options);
        copy.CopyWeightsFrom(this);
        return copy;
    }

    public void CopyWeightsFrom(IPolicyModel source)
    {
        if (source is not TinyPolicy other || !other._options.Equals(_options))
            throw new ArgumentException($"cannot copy weights from a {source.Kind} model into a tiny model of other sizes.", nameof(source));
        using var _ = torch.no_grad();
        for (int i = 0; i < _named.Length; i++) _named[i].Tensor.copy_(other._named[i].Tensor);
    }

    public void Save(string path) => SafetensorsWriter.Write(path, _named);

    public void Load(string path) => SafetensorsLoad.Into(path, _named);

    public void Dispose()
    {
        foreach (var (_, t) in _named) t.Dispose();
    }
}
