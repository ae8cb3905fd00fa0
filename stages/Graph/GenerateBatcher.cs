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
/// </summary>
public sealed class GenerateBatcher(PolicyWeights weights, int parallelism, int maxRows, TimeSpan wait, IBlockProbe? probe, CancellationToken ct)
{
    private readonly Lock _lock = new();
    private readonly List<Pending> _waiting = [];
    private int _running;
    private Exception? _failed;

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
                if (_running >= parallelism || _waiting.Count == 0) return;
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
            if (batch.Count > 0 && (p.Sampling != batch[0].Sampling || rows + p.Prompts.Length > maxRows)) continue;
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
            if (wait > TimeSpan.Zero && batch.Sum(p => p.Prompts.Length) < maxRows)
            {
                await Task.Delay(wait, ct).ConfigureAwait(false);
                lock (_lock) TakeCompatible(batch);
            }

            long started = Stopwatch.GetTimestamp();
            foreach (var p in batch)
            {
                probe?.Enter("generate", p.Message);
                entered.Add(p);
            }

            var request = new GenerationRequest([.. batch.SelectMany(p => p.Prompts)], batch[0].Sampling, batch[0].Message.Seed)
            {
                RowSeeds = [.. batch.SelectMany(p => p.Seeds)],
            };
            var (result, version) = await weights.GenerateAsync(request, ct).ConfigureAwait(false);
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
            foreach (var p in entered) probe?.Exit("generate", p.Message);
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

    private sealed record Pending(GroupRequest Message, int[][] Prompts, SamplingOptions Sampling, ulong[] Seeds, TaskCompletionSource<Generated> Done);
}
