using System.Globalization;
using Pipeline.Bench.Policy;
using Pipeline.Cli.Configuration;
using Pipeline.Cli.Diagnostics;
using Pipeline.Cli.Training;
using Pipeline.Data.Problems;
using Pipeline.Data.Tasks;
using Pipeline.Model.Policy;
using Pipeline.Model.Torch;

namespace Pipeline.Bench.E2e;

/// <summary>
/// <c>./run bench e2e [options]</c>: the same GRPO run in our pipeline and in a plain PyTorch loop
/// (bench/peer/grpo_peer.py), alternated run by run on this machine, reported side by side with
/// ratios and utilisation in bench/results/e2e.md. See <see cref="E2eOptions"/> for the options.
/// </summary>
public static class E2eCommand
{
    public static int Run(string[] args)
    {
        E2eOptions options;
        try
        {
            options = E2eOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"e2e: {e.Message}");
            return 2;
        }

        var root = RepoRoot();
        try
        {
            PeerRunner.CheckAvailable(options.Python);
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"e2e: {e.Message}");
            return 1;
        }

        var work = Path.Combine(Path.GetTempPath(), $"pipeline-e2e-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        try
        {
            return Measure(options, root, work);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static int Measure(E2eOptions options, string root, string work)
    {
        var c = CultureInfo.InvariantCulture;
        var (dim, hidden, layers, heads, kvHeads) = E2eSizes.All[options.Size];
        var config = RunConfigLoader.Load(Path.Combine(root, options.Config),
        [
            $"model.dim={dim}", $"model.hidden={hidden}", $"model.layers={layers}", $"model.heads={heads}", $"model.kv_heads={kvHeads}",
            $"task.group_size={options.GroupSize}", $"task.prompts_per_step={options.PromptsPerStep}",
            $"generation.max_new_tokens={options.MaxNewTokens}", $"training.steps={options.Steps}",
            $"training.micro_batch_size={options.MicroBatch}", $"training.mode={options.Mode}", $"training.checkpoint_every={options.Steps}",
        ]) with
        {
            RunsDir = work,
            // The peer scores the exact answer only; so does ours here.
            Rewards = [new RewardWeight("answer", 1.0)],
        };

        var tokenizer = TrainingRun.CreateTokenizer(config);
        var llama = new LlamaConfig
        {
            VocabSize = tokenizer.VocabSize, HiddenSize = dim, IntermediateSize = hidden, NumHiddenLayers = layers,
            NumAttentionHeads = heads, NumKeyValueHeads = kvHeads, RopeTheta = config.Model.RopeTheta,
            MaxPositionEmbeddings = config.Model.MaxPositions, TieWordEmbeddings = true,
        };
        var flops = new FlopCounter(tokenizer.VocabSize, dim, hidden, layers, heads, kvHeads);
        var pool = ProblemGenerator.Generate(TaskRegistry.CreateDefault().Get(config.Task.Name), config.Task.ToTaskOptions(config.Seed), ProblemSplit.Train, config.Task.PoolSize);
        var stops = new[] { tokenizer.EosId, tokenizer.TokenToId("</answer>") }.OfType<int>().ToArray();
        var problems = Path.Combine(work, "problems.json");
        PeerRunner.ExportProblems(pool.Select(p => (p.Prompt, p.Answer)), tokenizer, stops, problems);

        torch.set_num_threads(options.Threads);
        Console.WriteLine($"measuring the fp32 matmul peak at {options.Threads} thread(s)...");
        double peak = new Doctor().Measure(MatmulType.Float32);
        var machine = MachineDescription.Read();

        var ours = new OursRunner(root, flops);
        var peer = new PeerRunner(options.Python, Path.Combine(root, "bench", "peer", "grpo_peer.py"), flops);
        var oursRuns = new List<SideRun>();
        var peerRuns = new List<SideRun>();
        for (int r = 0; r < options.Repeats; r++)
        {
            Console.WriteLine($"run {r + 1}/{options.Repeats}: ours...");
            oursRuns.Add(ours.Run(config with { Name = $"ours-{r}" }, options.Threads, options.WarmupSteps, work));
            Console.WriteLine($"  {Rate(oursRuns[^1])} rollouts/s; peer...");
            peerRuns.Add(peer.Run(config, PolicyBenchConfigs.PeerJson(llama), problems, options.EffectivePeerThreads, options.WarmupSteps));
            Console.WriteLine($"  {Rate(peerRuns[^1])} rollouts/s");
        }

        var model = FormattableString.Invariant($"{options.Size} (dim {dim}, hidden {hidden}, {layers} layers, {heads} heads / {kvHeads} kv, vocab {tokenizer.VocabSize}, {(flops.LayerParams + flops.HeadParams) / 1e6:F2}M matmul params)");
        var report = E2eReport.Format(options, model, new SideSummary("ours", oursRuns), new SideSummary("peer", peerRuns), peak,
            machine.ToMarkdown(), DateTimeOffset.UtcNow);
        Console.WriteLine();
        Console.WriteLine(report);
        var outPath = Path.Combine(root, options.Out);
        Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
        File.WriteAllText(outPath, report);
        Console.WriteLine($"written to {options.Out}");
        return 0;
    }

    private static string Rate(SideRun run) =>
        (run.Steps.Sum(s => s.Rollouts) / run.Steps.Sum(s => s.Total)).ToString("F2", CultureInfo.InvariantCulture);

    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Pipeline.sln"))) return d.FullName;
        }

        return Directory.GetCurrentDirectory();
    }
}
