using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Pipeline.Bench.E2e;
using Pipeline.Bench.Policy;
using Pipeline.Model.Policy;
using Pipeline.Model.Torch;
using Pipeline.Model.Torch.Optim;
using Pipeline.Stages.Algorithms;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Policy;

namespace Pipeline.Bench.Training;

/// <summary>
/// Trainer step time with scoring through the fused native kernel (model/native/src/llama_train.cpp)
/// next to the op-by-op autograd path, in one process, interleaved round by round so that load
/// from other processes hits both alike; also the no-grad scoring of the same rows.
/// <c>dotnet run -c Release --project bench -- train-side-by-side [--sizes tiny,10m] [--groups 4]
/// [--group-size 4] [--prompt-len 20] [--completion-len 23] [--micro-batch 8] [--rounds 5] [--steps 3] [--threads 1] [--ragged]
/// [--distinct-prompts] [--wall]</c>
/// A group's rows share its prompt, which the fused scorer packs and runs once per micro-batch
/// (--prompt-len 92 --group-size 4 is the e2e benchmark's shape); --distinct-prompts gives every row
/// a prompt of its own instead, the work without that sharing.
/// --ragged: prompts up to 4 tokens shorter and completions down to half as long (padding in every micro-batch).
/// Prints the median time of each path (the thread's CPU time unless --wall) and their ratio for: a
/// Trainer step; scoring the rows with grad and backpropagating sum(logp) + sum(entropy) (the
/// kernel alone); scoring them without grad (old and reference log-probs).
/// </summary>
public static class TrainSideBySide
{
    public static int Run(string[] args)
    {
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        int Int(string name, int fallback) => int.Parse(Arg(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var sizes = Arg("--sizes", "tiny,10m").Split(',');
        var (groups, groupSize, promptLen, completionLen) = (Int("--groups", 4), Int("--group-size", 4), Int("--prompt-len", 20), Int("--completion-len", 23));
        var (microBatch, rounds, steps) = (Int("--micro-batch", 8), Int("--rounds", 5), Int("--steps", 3));
        torch.set_num_threads(Int("--threads", 1));
        s_wall = args.Contains("--wall");
        var ragged = args.Contains("--ragged");
        var distinct = args.Contains("--distinct-prompts");

        Console.WriteLine($"{groups}x{groupSize} rows, prompt {promptLen} ({(distinct ? "one per row" : "one per group")}), " +
            $"completion {completionLen}{(ragged ? " (ragged)" : "")}, micro-batch {microBatch}, " +
            $"{torch.get_num_threads()} thread(s), median {(s_wall ? "wall" : "thread CPU")} time of {rounds} rounds x {steps} steps");
        Console.WriteLine("| model | train step ms, op-by-op | native | speed-up | score + backward ms, op-by-op | native | speed-up | score without grad ms, op-by-op | native | speed-up |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var size in sizes)
        {
            var config = Config(size);
            var batch = TrainStepBenchmarks.Batch(groups, groupSize, promptLen, completionLen, config.VocabSize, ragged, distinct);
            using var reference = new Side(config, native: false, batch, microBatch, completionLen);
            using var native = new Side(config, native: true, batch, microBatch, completionLen);
            reference.Step();
            native.Step();
            var (rs, ns, rf, nf, rb, nb) = (new List<double>(), new List<double>(), new List<double>(), new List<double>(), new List<double>(), new List<double>());
            for (var r = 0; r < rounds; r++)
            {
                // Alternate which path goes first, so neither always follows the other's allocations.
                var order = r % 2 == 0 ? new[] { (reference, rs, rb, rf), (native, ns, nb, nf) } : [(native, ns, nb, nf), (reference, rs, rb, rf)];
                foreach (var (side, train, backward, score) in order)
                {
                    for (var s = 0; s < steps; s++) train.Add(Time(side.Step));
                    backward.Add(Time(side.ScoreAndBackward));
                    score.Add(Time(side.Score));
                }
            }
            Console.WriteLine($"| {size} ({reference.Parameters / 1e6:F2}M) | {Median(rs):F1} | {Median(ns):F1} | {Median(rs) / Median(ns):F2} " +
                $"| {Median(rb):F1} | {Median(nb):F1} | {Median(rb) / Median(nb):F2} | {Median(rf):F1} | {Median(nf):F1} | {Median(rf) / Median(nf):F2} |");
        }
        return 0;
    }

    private static LlamaConfig Config(string size)
    {
        if (!E2eSizes.All.TryGetValue(size, out var s)) return PolicyBenchConfigs.ByName(size);
        return new LlamaConfig
        {
            VocabSize = 359, HiddenSize = s.Dim, IntermediateSize = s.Hidden, NumHiddenLayers = s.Layers,
            NumAttentionHeads = s.Heads, NumKeyValueHeads = s.KvHeads, MaxPositionEmbeddings = 256, TieWordEmbeddings = true,
        };
    }

    // The calling thread's CPU time rather than wall time: with one compute thread (BLAS included)
    // it is the work done, without the time other processes on a shared machine hold the core.
    // (--wall: wall time.) The process's CPU time is no substitute: it counts in 10 ms ticks.
    private static bool s_wall;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec t);

    private static double ThreadCpuMs()
    {
        const int ClockThreadCpuTime = 3;
        if (ClockGetTime(ClockThreadCpuTime, out var t) != 0) throw new InvalidOperationException("clock_gettime failed");
        return t.Seconds * 1e3 + t.Nanoseconds / 1e6;
    }

    private static double Time(Action a)
    {
        var cpu = ThreadCpuMs();
        var sw = Stopwatch.StartNew();
        a();
        return s_wall ? sw.Elapsed.TotalMilliseconds : ThreadCpuMs() - cpu;
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    /// <summary>One policy, optimizer and trainer on one scoring path.</summary>
    private sealed class Side : IDisposable
    {
        private readonly LlamaPolicy _policy;
        private readonly AdamW _optimizer;
        private readonly Trainer _trainer;
        private readonly StepBatch _batch;
        private readonly Rollout[] _rollouts;
        private readonly int _microBatch;

        public Side(LlamaConfig config, bool native, StepBatch batch, int microBatch, int completionLen)
        {
            _policy = LlamaPolicy.Create(config, seed: 1);
            _policy.Model.UseNativeKernel = native;
            _optimizer = new AdamW(_policy.Parameters, 1e-3, weight_decay: 0);
            var algorithm = new AlgorithmConfig();
            _trainer = new Trainer(_policy, algorithm.CreateObjective(), _optimizer, new LRScheduler(_optimizer, new ConstantSchedule(1e-3)),
                new TrainerOptions { MicroBatchSize = microBatch, NormWidth = completionLen }, reference: null);
            _batch = AdvantageBlock.Compute(batch, algorithm.CreateEstimator(), algorithm.CreateTokenCredit(), false);
            _rollouts = [.. _batch.Rows.Select(r => r.Rollout)];
            _microBatch = microBatch;
        }

        public long Parameters => _policy.Model.ParameterCount;

        public void Step() => _trainer.Train(_batch);

        public void Score() => PolicyScoring.LogProbs(_policy, _rollouts, 1.0, _microBatch);

        public void ScoreAndBackward()
        {
            for (var start = 0; start < _rollouts.Length; start += _microBatch)
            {
                using var scope = torch.NewDisposeScope();
                var micro = _rollouts.Skip(start).Take(_microBatch).ToArray();
                var score = _policy.Score([.. micro.Select(r => r.PromptTokenIds)], [.. micro.Select(r => r.CompletionTokenIds)], 1.0, withGrad: true);
                (score.LogProbs.sum() + score.Entropies.sum()).backward();
            }
            _optimizer.zero_grad();
        }

        public void Dispose()
        {
            _optimizer.Dispose();
            _policy.Dispose();
        }
    }
}
