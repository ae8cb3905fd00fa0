using System.Threading.Tasks.Dataflow;
using Pipeline.Cli.Configuration;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Policy;

namespace Pipeline.Cli.Training;

/// <summary>
/// The whole training graph, wired in one place (docs/training.md draws it):
/// <code>
///  Sample ─► Generate ─► Verify ─► Group+Filter ─► Batch ─► Advantage ─► Train ─► Metrics ─► RolloutLog (+checkpoint)
///   ▲  ▲        ▲  ▲                  │  │  │         │                    │ │
///   │  │        │  └─ guided retry ───┘  │  │         │                    │ │
///   │  └────────┼──── replacement ───────┘  │ ◄─stale─┘                    │ │
///   └─ prompt statistics ───────────────────┘                              │ │
///               └──────────── new weights (version = step) ◄──────────────┘ │
///   └──────────────────────── version advanced (admits slots) ◄─────────────┘
/// </code>
/// Replay (logged successes of still-hard prompts, replay.*) sits between Advantage and Train and
/// passes steps through when off. Sample also tells Generate's batcher whether more groups are on
/// their way (GenerateInflow), so a batched call starts once a step's groups are in.
/// Forward edges carry completion. Feedback edges never block: their queues are sized to the
/// admission window, which bounds the groups in flight. One linked cancellation source stops every
/// block when any block faults; all completions are awaited; the first fault is rethrown.
/// </summary>
public static class TrainingGraph
{
    public static async Task<GraphResult> RunAsync(RunConfig config, GraphParts parts, CancellationToken stopRequest)
    {
        using var cts = new CancellationTokenSource();
        var ct = cts.Token;
        var options = config.Pipeline.ToGraphOptions();
        options.Validate();
        var algorithm = parts.Algorithm ?? config.Algorithm;
        var utilisation = StageUtilisation.ForGraph(options, parts.Probe);
        IBlockProbe probe = utilisation;
        bool offPolicy = config.Training.Mode == "async";
        var ledger = new RunLedger(parts.StartStep, parts.StartCounters);
        var plan = new SlotPlan(parts.RunId, config.Task.PromptsPerStep, config.Task.GroupSize, config.Seed);
        var settings = new SampleSettings(parts.StartStep + 1, config.Training.Steps, config.EffectiveMaxStaleness);
        var sampling = Sampling(config, parts);
        using var weights = new PolicyWeights(parts.Policy, separateCopy: offPolicy, parts.StartStep, options.Generate.Parallelism);

        // Blocks, in the order data flows through them.
        var inflow = new GenerateInflow();
        var sample = new SampleBlock(parts.Sampler, plan, settings, ledger, options.Sample, probe, ct, inflow);
        var generate = GenerateBlock.Create(weights, parts.Tokenizer, sampling, options.Generate, probe, ct, options.GenerateBatching, inflow);
        var verify = VerifyBlock.Create(parts.Verifier, new CorrectnessRule(config.Task.CorrectnessComponent), options.VerifyTimeout, options.Verify, probe, ct);
        var groupFilter = new GroupFilterBlock(
            algorithm.CreateGroupFilter(), algorithm.CreateGroupReward(), parts.Sampler, sample, plan,
            new GroupFilterSettings(algorithm.MaxExtraRounds, SampleBlock.FeedbackCapacity(plan, settings)), options.GroupFilter, probe, ct,
            Pipeline.Stages.Guidance.GuidancePlanner.Create(config.Guidance));
        var batch = BatchBlock.Create(settings, config.Task.PromptsPerStep, sample, options.Batch, probe, ct);
        var advantage = AdvantageBlock.Create(algorithm.CreateEstimator(), algorithm.CreateTokenCredit(), algorithm.MaskTruncated, options.Advantage, probe, ct, parts.KlReward);
        var replay = Replay(config, parts, options.Advantage, ct);
        var train = TrainBlock.Create(parts.Trainer, parts.Policy, weights, sample, ledger, parts.Checkpoints, options.Train, probe, ct);
        var log = new RolloutLogBlock(parts.RolloutLog, parts.Checkpoints, ledger, options.Log, probe, ct);
        var metrics = MetricsTap.Create(new StageUtilisationSink(parts.Metrics, utilisation), () => new Dictionary<string, int>
        {
            ["sample"] = sample.QueueDepth,
            ["generate"] = generate.InputCount,
            ["verify"] = verify.InputCount,
            ["group_filter"] = groupFilter.Block.InputCount,
            ["partial_groups"] = groupFilter.PartialGroups,
            ["batch"] = batch.InputCount,
            ["advantage"] = advantage.InputCount,
            ["train"] = train.InputCount,
            ["log"] = log.Block.InputCount,
        }, options.Metrics, probe, ct);

        // Forward edges.
        var flow = new DataflowLinkOptions { PropagateCompletion = true };
        sample.Output.LinkTo(generate, flow);
        generate.LinkTo(verify, flow);
        verify.LinkTo(groupFilter.Block, flow);
        groupFilter.Block.LinkTo(batch, flow);
        batch.LinkTo(advantage, flow);
        advantage.LinkTo(replay, flow);
        replay.LinkTo(train, flow);
        train.LinkTo(metrics, flow);
        metrics.LinkTo(log.Block, flow);

        // Feedback edges. Replacements (Group+Filter and Batch → Sample), prompt statistics
        // (Group+Filter → sampler), new weights (Train → PolicyWeights → Generate) and version
        // wake-ups (Train → Sample) are calls made inside those blocks; guided retries are a link.
        // The retry link carries no completion: Generate ends when Sample does, and by then every
        // slot is resolved, so no retry is pending.
        groupFilter.Retries.LinkTo(generate);

        var completions = new[]
        {
            ("sample", sample.Completion), ("generate", generate.Completion), ("verify", verify.Completion),
            ("group_filter", groupFilter.Block.Completion), ("batch", batch.Completion), ("advantage", advantage.Completion), ("replay", replay.Completion),
            ("train", train.Completion), ("metrics", metrics.Completion), ("log", log.Block.Completion),
        };
        Exception? firstFault = null;
        foreach (var (_, completion) in completions)
        {
            _ = completion.ContinueWith(t =>
            {
                if (t.IsFaulted)
                {
                    Interlocked.CompareExchange(ref firstFault, Root(t.Exception!), null);
                    cts.Cancel();
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        Exception? stopFault = null;
        Task stopping = Task.CompletedTask;
        using var onStop = stopRequest.Register(() => stopping = StopAsync());
        async Task StopAsync()
        {
            ledger.RequestStop();
            sample.Wakeup();
            try
            {
                // Holding the train lock: no step is in progress, so the newest trained step is whole.
                await ledger.TrainLock.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    long step = ledger.LastTrainedStep;
                    if (step > parts.StartStep)
                    {
                        await ledger.WaitLoggedAsync(step, ct).ConfigureAwait(false);
                        log.SaveCheckpoint(step);
                    }
                }
                finally
                {
                    ledger.TrainLock.Release();
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                stopFault = e;
            }
            finally
            {
                await cts.CancelAsync().ConfigureAwait(false);
            }
        }

        try
        {
            await Task.WhenAll(completions.Select(c => c.Item2)).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The cause is rethrown below; the other blocks merely ended canceled.
        }

        firstFault ??= completions.Where(c => c.Item2.IsFaulted).Select(c => Root(c.Item2.Exception!)).FirstOrDefault();

        await stopping.ConfigureAwait(false);
        if (firstFault is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(firstFault);
        if (stopFault is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(stopFault);
        if (ledger.StopRequested) return new GraphResult(GraphEnd.Stopped, ledger.LastCheckpointedStep, ledger.Counters);

        if (ledger.LastTrainedStep != config.Training.Steps)
            throw new InvalidOperationException($"the graph ended after step {ledger.LastTrainedStep} of {config.Training.Steps} without a fault; a block completed early.");
        log.SaveCheckpoint(ledger.LastTrainedStep);
        return new GraphResult(GraphEnd.Completed, ledger.LastTrainedStep, ledger.Counters);
    }

    /// <summary>Replay between Advantage and Train: mixes logged successes into each step, or passes steps through when off.</summary>
    private static TransformBlock<StepBatch, StepBatch> Replay(RunConfig config, GraphParts parts, BlockOptions options, CancellationToken ct)
    {
        var replay = config.Replay;
        var mixer = replay.Enabled
            ? new Pipeline.Stages.Guidance.ReplayMixer(
                new Pipeline.Data.Rollouts.ReplayReader(replay.Directory ?? Path.Combine(config.RunsDir, config.Name, "rollouts")), replay, parts.Sampler, config.Seed)
            : null;
        return new TransformBlock<StepBatch, StepBatch>(b => mixer is null ? b : mixer.Mix(b), options.ToDataflow(ct, serial: true));
    }

    private static SamplingOptions Sampling(RunConfig config, GraphParts parts)
    {
        var stops = new List<int>();
        if (parts.Tokenizer.EosId is { } eos) stops.Add(eos);
        if (parts.Tokenizer.TokenToId("</answer>") is { } close) stops.Add(close);
        return new SamplingOptions
        {
            Temperature = config.Generation.Temperature,
            TopK = config.Generation.TopK,
            TopP = config.Generation.TopP,
            MaxNewTokens = config.Generation.MaxNewTokens,
            StopIds = stops,
        };
    }

    /// <summary>The exception that started it: through aggregates, and past cancellations caused by it.</summary>
    private static Exception Root(AggregateException e)
    {
        var inner = e.Flatten().InnerExceptions;
        return inner.FirstOrDefault(x => x is not OperationCanceledException) ?? inner[0];
    }
}
