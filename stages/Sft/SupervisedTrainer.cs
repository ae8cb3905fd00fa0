using Pipeline.Model.Torch;
using Pipeline.Model.Torch.Optim;
using Pipeline.Stages.Policy;

namespace Pipeline.Stages.Sft;

/// <summary>
/// Supervised fine-tuning of a policy on (prompt, reference completion) pairs: each optimizer step
/// takes the next batch of a seeded shuffle (reshuffled every pass), minimises the token-mean
/// negative log-likelihood of the completion tokens (prompt tokens are context only), clips the
/// gradient norm and steps AdamW at the schedule's rate. Token-mean rather than sequence-mean so a
/// long reference weighs in proportion to its tokens, as TRL's SFTTrainer does.
/// </summary>
public sealed class SupervisedTrainer
{
    private readonly IPolicyModel _policy;
    private readonly SftOptions _options;
    private readonly AdamW _optimizer;
    private readonly LRScheduler _scheduler;
    private readonly IReadOnlyList<SftExample> _examples;
    private readonly int[] _order;
    private int _cursor;
    private ulong _shuffle;

    /// <param name="optimizer">Owned by the caller (it may outlive the warm start); built over <c>policy.Parameters</c>.</param>
    public SupervisedTrainer(IPolicyModel policy, IReadOnlyList<SftExample> examples, SftOptions options, AdamW optimizer, ILearningRateSchedule schedule)
    {
        options.Validate();
        if (examples.Count == 0) throw new ArgumentException("there are no examples to train on.", nameof(examples));
        for (int i = 0; i < examples.Count; i++)
        {
            if (examples[i].Prompt.Length == 0) throw new ArgumentException($"example {i} has an empty prompt; the first completion token needs a context.", nameof(examples));
            if (examples[i].Completion.Length == 0) throw new ArgumentException($"example {i} has an empty completion; there is nothing to learn from it.", nameof(examples));
        }

        _policy = policy;
        _examples = examples;
        _options = options;
        _optimizer = optimizer;
        _scheduler = new LRScheduler(optimizer, schedule);
        _order = [.. Enumerable.Range(0, examples.Count)];
        _shuffle = options.Seed ^ 0x5DEECE66DUL;
        _cursor = _order.Length;
    }

    /// <summary>Optimizer steps taken so far.</summary>
    public int StepsDone { get; private set; }

    /// <summary>Runs the configured number of steps, reporting each.</summary>
    public IReadOnlyList<SftStepStats> Run(Action<SftStepStats>? onStep = null, CancellationToken cancellationToken = default)
    {
        var all = new List<SftStepStats>(_options.Steps);
        while (StepsDone < _options.Steps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stats = Step(NextBatch());
            all.Add(stats);
            onStep?.Invoke(stats);
        }

        return all;
    }

    /// <summary>The next batch of the seeded walk: batch_size examples, a new shuffle whenever a pass ends.</summary>
    public IReadOnlyList<SftExample> NextBatch()
    {
        var batch = new List<SftExample>(_options.BatchSize);
        while (batch.Count < _options.BatchSize)
        {
            if (_cursor == _order.Length)
            {
                TokenSampler.Shuffle(_order, ref _shuffle);
                _cursor = 0;
            }

            batch.Add(_examples[_order[_cursor++]]);
        }

        return batch;
    }

    /// <summary>One optimizer step on <paramref name="batch"/>, its gradient accumulated over micro-batches.</summary>
    public SftStepStats Step(IReadOnlyList<SftExample> batch)
    {
        double lr = _scheduler.Apply();
        long tokens = batch.Sum(e => (long)e.Completion.Length);
        _optimizer.zero_grad();
        double loss = 0;
        for (int start = 0; start < batch.Count; start += _options.MicroBatchSize)
        {
            using var scope = torch.NewDisposeScope();
            var micro = batch.Skip(start).Take(_options.MicroBatchSize).ToArray();
            var score = _policy.Score([.. micro.Select(e => e.Prompt)], [.. micro.Select(e => e.Completion)], 1.0, withGrad: true);
            // Dividing each micro-batch's sum by the whole batch's token count makes the accumulated
            // gradient that of the batch's token mean, however the batch is split.
            var part = -(score.LogProbs * score.Mask).sum() / (double)tokens;
            part.backward();
            loss += part.ToDouble();
        }

        double gradNorm = torch.nn.utils.clip_grad_norm_(_optimizer.Parameters, _options.GradClip > 0 ? _options.GradClip : double.MaxValue);
        if (!double.IsFinite(gradNorm))
            throw new InvalidOperationException($"sft step {StepsDone + 1}: the gradient norm is {gradNorm}; the loss diverged (lower sft.lr).");
        _optimizer.step();
        _optimizer.zero_grad();
        _scheduler.step();
        StepsDone++;
        return new SftStepStats(StepsDone, loss, gradNorm, lr, tokens);
    }

    /// <summary>The token-mean NLL of <paramref name="examples"/> under <paramref name="policy"/>, without grad.</summary>
    public static double MeanNll(IPolicyModel policy, IReadOnlyList<SftExample> examples, int microBatchSize)
    {
        if (examples.Count == 0) throw new ArgumentException("there are no examples to score.", nameof(examples));
        double sum = 0;
        long tokens = 0;
        for (int start = 0; start < examples.Count; start += microBatchSize)
        {
            using var scope = torch.NewDisposeScope();
            var micro = examples.Skip(start).Take(microBatchSize).ToArray();
            var score = policy.Score([.. micro.Select(e => e.Prompt)], [.. micro.Select(e => e.Completion)], 1.0, withGrad: false);
            sum -= (score.LogProbs * score.Mask).sum().ToDouble();
            tokens += micro.Sum(e => (long)e.Completion.Length);
        }

        return sum / tokens;
    }
}
