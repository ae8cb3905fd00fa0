using Pipeline.Model.Checkpoints;
using Pipeline.Model.Torch;

namespace Pipeline.Stages.Policy;

/// <summary>
/// A deterministic stand-in for graph-mechanics tests and the overhead benchmark: completions and
/// their log-probs are hashes of (prompt, seed, row, position), generation waits a configurable
/// latency, and scoring returns the same log-probs through one scalar parameter so that the real
/// trainer, optimizer and checkpoints run without a model's cost.
/// </summary>
public sealed class FakePolicy : IPolicyModel
{
    private readonly FakePolicyOptions _options;
    private readonly Tensor _bias;

    public FakePolicy(FakePolicyOptions options)
    {
        options.Validate();
        _options = options;
        _bias = torch.zeros([1], requires_grad: true);
        _bias.DetachFromDisposeScope();
        Parameters = [_bias];
    }

    public string Kind => "fake";

    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>Log-prob the fake assigns to <paramref name="token"/> at <paramref name="position"/>.</summary>
    public static float LogProb(int token, int position) => -0.1f * (1 + ((token + position) % 5));

    public async Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        if (_options.Latency > TimeSpan.Zero) await Task.Delay(_options.Latency, cancellationToken).ConfigureAwait(false);
        var completions = new Completion[request.Prompts.Count];
        var stop = request.Sampling.StopIds;
        for (int i = 0; i < completions.Length; i++)
        {
            ulong state = request.RowSeed(i) ^ Hash(request.Prompts[i]);
            int max = Math.Min(request.Sampling.MaxNewTokens, _options.MaxLength);
            int length = 1 + (int)(TokenSampler.Next(ref state) % (ulong)max);
            var ids = new int[length];
            var logps = new float[length];
            string finish = Completion.Length;
            for (int t = 0; t < length; t++)
            {
                ids[t] = (int)(TokenSampler.Next(ref state) % (ulong)_options.VocabSize);
                logps[t] = LogProb(ids[t], t);
                if (stop.Contains(ids[t]))
                {
                    Array.Resize(ref ids, t + 1);
                    Array.Resize(ref logps, t + 1);
                    finish = Completion.Stop;
                    break;
                }
            }
            if (finish == Completion.Length && length < max) finish = Completion.Stop;
            completions[i] = new Completion(ids, logps, finish);
        }
        return new GenerationResult(completions);
    }

    public ScoreResult Score(IReadOnlyList<int[]> prompts, IReadOnlyList<int[]> completions, double temperature, bool withGrad)
    {
        if (_options.ScoreLatency > TimeSpan.Zero) Thread.Sleep(_options.ScoreLatency);
        int b = completions.Count;
        int width = Math.Max(1, completions.Max(c => c.Length));
        var values = new float[b * width];
        var mask = new float[b * width];
        for (int i = 0; i < b; i++)
        {
            for (int t = 0; t < completions[i].Length; t++)
            {
                values[(i * width) + t] = LogProb(completions[i][t], t);
                mask[(i * width) + t] = 1f;
            }
        }
        var baseLogp = torch.tensor(values, [b, width]);
        using var grad = withGrad ? torch.enable_grad() : torch.no_grad();
        // bias - bias.detach() is 0 in value but carries a gradient to the one parameter.
        var logp = withGrad ? baseLogp + (_bias - _bias.detach()) : baseLogp;
        return new ScoreResult(logp, torch.full([b, width], 1.0), torch.tensor(mask, [b, width]));
    }

    public IPolicyModel Clone()
    {
        var copy = new FakePolicy(_options);
        copy.CopyWeightsFrom(this);
        return copy;
    }

    public void CopyWeightsFrom(IPolicyModel source)
    {
        if (source is not FakePolicy other) throw new ArgumentException($"cannot copy weights from a {source.Kind} model into a fake model.", nameof(source));
        using var _ = torch.no_grad();
        _bias.copy_(other._bias);
    }

    public void Save(string path) => SafetensorsWriter.Write(path, [("bias", _bias)]);

    public void Load(string path) => SafetensorsLoad.Into(path, [("bias", _bias)]);

    public void Dispose() => _bias.Dispose();

    private static ulong Hash(int[] ids)
    {
        ulong h = 1469598103934665603UL;
        foreach (var id in ids) h = (h ^ (uint)id) * 1099511628211UL;
        return h;
    }
}
