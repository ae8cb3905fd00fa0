using System.Diagnostics;
using Pipeline.Stages.Policy;

namespace Pipeline.Stages.Graph;

/// <summary>
/// Coalesces the groups waiting for generation into one policy call: a free call slot (of
/// <c>parallelism</c>) takes the oldest waiting group and every other waiting group with the same
/// sampling options (guided prefixes shorten max new tokens) while the rows fit in
/// <c>maxRows</c>. Per-call overhead dominates a decode step, so one call of many rows beats many
/// calls of one group. Each row keeps the seed it would have had alone, so what a group samples
/// does not depend on what it was batched with (up to the float rounding of batched matmuls).
/// A policy exception fails the call's groups and every later one: the engine, not a group, broke.
/// A slot that waits for more groups stops waiting once its rows reach <c>maxRows</c> or, given an
/// <see cref="GenerateInflow"/>, once no more groups are on their way.
/// </summary>
public sealed class GenerateBatcher
{
    private readonly PolicyWeights _weights;
    private readonly int _parallelism;
    private readonly int _maxRows;
    private readonly TimeSpan _wait;
    private readonly IBlockProbe? _probe;
    private readonly CancellationToken _ct;
    private readonly GenerateInflow? _inflow;
    private readonly Lock _lock = new();
    private readonly List<Pending> _waiting = [];
    private TaskCompletionSource _arrival = NewSignal();
    private int _running;
    private Exception? _failed;

    public GenerateBatcher(PolicyWeights weights, int parallelism, int maxRows, TimeSpan wait, IBlockProbe? probe, CancellationToken ct, GenerateInflow? inflow = null)
    {
        _weights = weights;
        _parallelism = parallelism;
        _maxRows = maxRows;
        _wait = wait;
        _probe = probe;
        _ct = ct;
        _inflow = inflow;
        if (inflow is not null) inflow.Idle += Signal;
    }

    /// <summary>
    /// Completions of one group's rows, the weights' version, when its call started (a
    /// <see cref="Stopwatch"/> timestamp) and the group's share of the call's rows, so that the
    /// groups' generation times add up to the calls' and not to a multiple of them.
    /// </summary>
    public readonly record struct Generated(IReadOnlyList<Completion> Completions, long Version, long Started, double Share);

    /// <summary>Generates <paramref name="prompts"/> (one group) in the next call that has room for them.</summary>
    public Task<Generated> GenerateAsync(GroupRequest message, int[][] prompts, SamplingOptions sampling)
    {
        var seeds = new GenerationRequest(prompts, sampling, message.Seed).AllRowSeeds();
        var pending = new Pending(message, prompts, sampling, seeds, new TaskCompletionSource<Generated>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_lock)
        {
            if (_failed is not null) return Task.FromException<Generated>(_failed);
            _waiting.Add(pending);
        }

        _inflow?.Arrived();
        Signal();
        Dispatch();
        return pending.Done.Task;
    }

    private void Dispatch()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_lock)
            {
                if (_running >= _parallelism || _waiting.Count == 0) return;
                batch = [];
                TakeCompatible(batch);
                _running++;
            }

            _ = RunAsync(batch);
        }
    }

    // Under _lock. Starts a batch with the oldest waiting group when empty.
    private void TakeCompatible(List<Pending> batch)
    {
        int rows = batch.Sum(p => p.Prompts.Length);
        for (int i = 0; i < _waiting.Count; i++)
        {
            var p = _waiting[i];
            if (batch.Count > 0 && (p.Sampling != batch[0].Sampling || rows + p.Prompts.Length > _maxRows)) continue;
            batch.Add(p);
            rows += p.Prompts.Length;
            _waiting.RemoveAt(i--);
        }
    }

    private async Task RunAsync(List<Pending> batch)
    {
        var entered = new List<Pending>(batch.Count);
        try
        {
            await GatherAsync(batch).ConfigureAwait(false);

            long started = Stopwatch.GetTimestamp();
            foreach (var p in batch)
            {
                _probe?.Enter("generate", p.Message);
                entered.Add(p);
            }

            var request = new GenerationRequest([.. batch.SelectMany(p => p.Prompts)], batch[0].Sampling, batch[0].Message.Seed)
            {
                RowSeeds = [.. batch.SelectMany(p => p.Seeds)],
            };
            var (result, version) = await _weights.GenerateAsync(request, _ct).ConfigureAwait(false);
            if (result.Completions.Count != request.Prompts.Count)
                throw new InvalidOperationException($"the policy returned {result.Completions.Count} completions for {request.Prompts.Count} rows (groups {string.Join(", ", batch.Select(p => p.Message.GroupId))}).");
            int offset = 0;
            foreach (var p in batch)
            {
                p.Done.TrySetResult(new Generated(
                    [.. result.Completions.Skip(offset).Take(p.Prompts.Length)], version, started, (double)p.Prompts.Length / request.Prompts.Count));
                offset += p.Prompts.Length;
            }
        }
        catch (Exception e)
        {
            // Groups that entered the probe leave it here; the others never entered.
            foreach (var p in entered) _probe?.Exit("generate", p.Message);
            List<Pending> failed = [.. batch];
            lock (_lock)
            {
                if (e is not OperationCanceledException) _failed ??= e;
                if (_failed is not null)
                {
                    failed.AddRange(_waiting);
                    _waiting.Clear();
                }
            }

            foreach (var p in failed)
            {
                if (e is OperationCanceledException oce) p.Done.TrySetCanceled(oce.CancellationToken);
                else p.Done.TrySetException(e);
            }
        }
        finally
        {
            lock (_lock) _running--;
            Dispatch();
        }
    }

    // Waits up to _wait for compatible groups while the call has room and more may come.
    private async Task GatherAsync(List<Pending> batch)
    {
        if (_wait <= TimeSpan.Zero) return;
        var timeout = Task.Delay(_wait, _ct);
        while (true)
        {
            Task arrival;
            lock (_lock)
            {
                TakeCompatible(batch);
                if (batch.Sum(p => p.Prompts.Length) >= _maxRows || _inflow is { MoreComing: false }) return;
                arrival = _arrival.Task;
            }

            if (await Task.WhenAny(arrival, timeout).ConfigureAwait(false) == timeout)
            {
                _ct.ThrowIfCancellationRequested();
                lock (_lock) TakeCompatible(batch);
                return;
            }
        }
    }

    private void Signal()
    {
        TaskCompletionSource fired;
        lock (_lock)
        {
            fired = _arrival;
            _arrival = NewSignal();
        }

        fired.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed record Pending(GroupRequest Message, int[][] Prompts, SamplingOptions Sampling, ulong[] Seeds, TaskCompletionSource<Generated> Done);
}
