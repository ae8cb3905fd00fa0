using Pipeline.Model.Torch;
using Pipeline.Model.Torch.Optim;
using Pipeline.Stages.Algorithms.Losses;
using Pipeline.Stages.Algorithms.Regularizers;
using Pipeline.Stages.Guidance;
using Pipeline.Stages.Policy;

namespace Pipeline.Stages.Graph;

/// <summary>
/// The training step: ppo_epochs passes, each split into mini-batches (one optimizer step each),
/// each accumulated over micro-batches with the loss normalised by the mini-batch's global token
/// and sequence counts; old log-probs recomputed under the current weights when the step takes
/// several optimizer steps or the rollouts are off-policy, reference log-probs when a KL term is
/// on, truncated importance weights min(exp(old − behaviour), cap) in asynchronous mode, gradient
/// clipping, AdamW and the learning-rate schedule. Hinted rows are scored under their training
/// context and treated as their guidance treatment says (<see cref="GuidedLossInputs"/>).
/// </summary>
public sealed class Trainer : ITrainer
{
    private readonly IPolicyModel _policy;
    private readonly RegularizedObjective _objective;
    private readonly AdamW _optimizer;
    private readonly LRScheduler _scheduler;
    private readonly TrainerOptions _options;
    private readonly IPolicyModel? _reference;
    private readonly ReferenceResetSchedule _resets;

    public Trainer(IPolicyModel policy, RegularizedObjective objective, AdamW optimizer, LRScheduler scheduler, TrainerOptions options, IPolicyModel? reference)
    {
        if (objective.NeedsReference && reference is null) throw new ArgumentException("the KL term is on but no reference model was given.", nameof(reference));
        _policy = policy;
        _objective = objective;
        _optimizer = optimizer;
        _scheduler = scheduler;
        _options = options;
        _reference = reference;
        _resets = new ReferenceResetSchedule(objective.Options.ReferenceResetEvery);
    }

    public IPolicyModel Policy => _policy;

    public TrainStats Train(StepBatch batch)
    {
        var rows = batch.Rows;
        if (rows.Count == 0) throw new ArgumentException($"step {batch.Step} has no rows to train on.");
        double lr = _scheduler.Apply();
        var old = _options.NeedsOldLogProbs ? ScoreAll(_policy, rows) : null;
        var reference = _objective.NeedsReference ? ScoreAll(_reference!, rows) : null;
        double logpDiff = old is null ? 0 : MeanAbsDiff(old, rows);

        var acc = new Accumulator();
        int optimizerSteps = 0;
        double gradNorm = 0;
        ulong shuffle = _options.Seed ^ ((ulong)batch.Step * 0x9E3779B97F4A7C15UL);
        for (int epoch = 0; epoch < _options.PpoEpochs; epoch++)
        {
            var order = Enumerable.Range(0, rows.Count).ToArray();
            if (_options.PpoEpochs > 1 || _options.MiniBatches > 1) TokenSampler.Shuffle(order, ref shuffle);
            int miniBatches = Math.Min(_options.MiniBatches, rows.Count);
            for (int mb = 0; mb < miniBatches; mb++)
            {
                var mini = order.Where((_, i) => i % miniBatches == mb).ToArray();
                var normalizer = new LossNormalizer(
                    Math.Max(1, mini.Sum(i => rows[i].Rollout.CompletionTokenIds.Length)), mini.Length, _options.NormWidth);
                _optimizer.zero_grad();
                for (int start = 0; start < mini.Length; start += _options.MicroBatchSize)
                {
                    var micro = mini.Skip(start).Take(_options.MicroBatchSize).ToArray();
                    MicroStep(rows, micro, old, reference, normalizer, acc);
                }
                gradNorm = _options.GradClip > 0
                    ? torch.nn.utils.clip_grad_norm_(_optimizer.Parameters, _options.GradClip)
                    : torch.nn.utils.clip_grad_norm_(_optimizer.Parameters, double.MaxValue);
                if (!double.IsFinite(gradNorm))
                    throw new InvalidOperationException($"step {batch.Step}: the gradient norm is {gradNorm}; the loss diverged (lower training.lr or check the rewards).");
                _optimizer.step();
                optimizerSteps++;
            }
        }
        _optimizer.zero_grad();
        _scheduler.step();
        if (_reference is not null && _resets.ShouldReset(batch.Step))
        {
            // The reward-side KL (kl_in_reward) may be scoring with the reference on another block's thread.
            lock (_reference) _reference.CopyWeightsFrom(_policy);
        }
        return acc.Stats(optimizerSteps, gradNorm, lr, logpDiff, rows.Sum(r => (long)r.Rollout.CompletionTokenIds.Length));
    }

    private void MicroStep(IReadOnlyList<TrainRow> rows, int[] micro, float[][]? old, float[][]? reference, LossNormalizer normalizer, Accumulator acc)
    {
        using var scope = torch.NewDisposeScope();
        var prompts = micro.Select(i => rows[i].Rollout.TrainingPromptTokenIds).ToArray();
        var completions = micro.Select(i => rows[i].Rollout.CompletionTokenIds).ToArray();
        var score = _policy.Score(prompts, completions, _options.Temperature, withGrad: true);
        var mask = score.Mask;
        var shape = mask.shape;
        var logp = score.LogProbs;
        var oldLogp = old is null ? logp.detach() : Padded(micro.Select(i => old[i]), shape);
        var weights = Padded(micro.Select(i => rows[i].TokenWeights), shape);
        double tis = 1;
        if (_options.OffPolicy && _options.TisCap > 0)
        {
            var behaviour = Padded(micro.Select(i => rows[i].Rollout.BehaviourLogProbs), shape);
            var ratio = (oldLogp - behaviour).clamp(-20, 20).exp().clamp_max(_options.TisCap).detach();
            tis = Aggregator.MaskedMean(ratio, mask);
            weights = weights * ratio;
        }

        if (micro.Any(i => rows[i].ReplayIsCap is not null))
        {
            var behaviour = Padded(micro.Select(i => rows[i].Rollout.BehaviourLogProbs), shape);
            weights = weights * ReplayWeights.Truncated(oldLogp, behaviour, [.. micro.Select(i => rows[i].ReplayIsCap)]);
        }

        Tensor? sftMask = null;
        var rollouts = micro.Select(i => rows[i].Rollout).ToArray();
        if (GuidedLossInputs.AnyGuided(rollouts))
        {
            oldLogp = GuidedLossInputs.OldLogProbs(rollouts, oldLogp, Padded(rollouts.Select(r => r.BehaviourLogProbs), shape));
            weights = GuidedLossInputs.Weights(rollouts, weights);
            sftMask = GuidedLossInputs.SftMask(rollouts, mask);
        }

        var input = new PolicyLossInput(logp, oldLogp, Padded(micro.Select(i => rows[i].TokenAdvantages), shape), mask, normalizer) { Weights = weights };
        var extra = new RegularizerInput
        {
            RefLogProbs = reference is null ? null : Padded(micro.Select(i => reference[i]), shape),
            Entropy = score.Entropies,
            SftMask = sftMask,
        };
        var (loss, metrics) = _objective.Compute(input, extra);
        loss.backward();
        double tokens = mask.sum().ToDouble();
        acc.Add(metrics, tokens, Aggregator.MaskedMean(score.Entropies, mask), tis);
    }

    /// <summary>Per-row log-probs under <paramref name="model"/> and the training context, without grad, trimmed to each row's length.</summary>
    private float[][] ScoreAll(IPolicyModel model, IReadOnlyList<TrainRow> rows) =>
        PolicyScoring.LogProbs(model, [.. rows.Select(r => r.Rollout with { PromptTokenIds = r.Rollout.TrainingPromptTokenIds })], _options.Temperature, _options.MicroBatchSize);

    private static Tensor Padded(IEnumerable<float[]> rows, long[] shape)
    {
        int b = (int)shape[0], t = (int)shape[1];
        var data = new float[b * t];
        int i = 0;
        foreach (var row in rows)
        {
            row.AsSpan(0, Math.Min(row.Length, t)).CopyTo(data.AsSpan(i * t));
            i++;
        }
        return torch.tensor(data, [b, t]);
    }

    private static double MeanAbsDiff(float[][] old, IReadOnlyList<TrainRow> rows)
    {
        double sum = 0;
        long n = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            var b = rows[i].Rollout.BehaviourLogProbs;
            for (int t = 0; t < old[i].Length && t < b.Length; t++, n++) sum += Math.Abs(old[i][t] - b[t]);
        }
        return n == 0 ? 0 : sum / n;
    }

    /// <summary>Token-weighted means of the per-micro-batch diagnostics; losses are summed per optimizer step.</summary>
    private sealed class Accumulator
    {
        private double _tokens, _loss, _policyLoss, _kl, _entropy, _clipFrac, _low, _high, _lower, _ppoKl, _ratioMean, _tis;
        private double _ratioMax = double.NegativeInfinity;
        private int _micro;

        public void Add(ObjectiveMetrics m, double tokens, double entropy, double tis)
        {
            _micro++;
            _tokens += tokens;
            _loss += m.Total;
            _policyLoss += m.PolicyLoss;
            _kl += m.Kl * tokens;
            _entropy += entropy * tokens;
            _clipFrac += m.Policy.ClipFrac * tokens;
            _low += m.Policy.ClipRatioLow * tokens;
            _high += m.Policy.ClipRatioHigh * tokens;
            _lower += m.Policy.ClipFracLower * tokens;
            _ppoKl += m.Policy.PpoKl * tokens;
            _ratioMean += m.Policy.RatioMean * tokens;
            _ratioMax = Math.Max(_ratioMax, m.Policy.RatioMax);
            _tis += tis * tokens;
        }

        public TrainStats Stats(int optimizerSteps, double gradNorm, double lr, double logpDiff, long tokens)
        {
            double t = Math.Max(_tokens, 1);
            int steps = Math.Max(optimizerSteps, 1);
            return new TrainStats
            {
                Loss = _loss / steps,
                PolicyLoss = _policyLoss / steps,
                Kl = _kl / t,
                Entropy = _entropy / t,
                ClipFrac = _clipFrac / t,
                ClipRatioLow = _low / t,
                ClipRatioHigh = _high / t,
                ClipFracLower = _lower / t,
                PpoKl = _ppoKl / t,
                RatioMean = _ratioMean / t,
                RatioMax = double.IsFinite(_ratioMax) ? _ratioMax : 1,
                GradNorm = gradNorm,
                LearningRate = lr,
                TisMean = _tis / t,
                LogProbDiff = logpDiff,
                OptimizerSteps = optimizerSteps,
                Tokens = tokens,
            };
        }
    }
}
