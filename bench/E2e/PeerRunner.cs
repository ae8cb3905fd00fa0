using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pipeline.Cli.Configuration;
using Pipeline.Model.Tokenizers;

namespace Pipeline.Bench.E2e;

/// <summary>
/// The peer: bench/peer/grpo_peer.py under python3-torch, reading the same prompts as token ids
/// (written by <see cref="ExportProblems"/> from our task generator and tokenizer).
/// </summary>
public sealed class PeerRunner(string python, string script, FlopCounter flops)
{
    public const string InstallHint = "apt-get install -y python3-torch";

    /// <summary>Fails early, naming the package, when the interpreter or torch is missing.</summary>
    public static void CheckAvailable(string python)
    {
        var psi = new ProcessStartInfo(python);
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import torch");
        ChildProcess.Result r;
        try
        {
            r = ChildProcess.Run(psi);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException($"{python} is missing; the e2e peer needs Python with PyTorch: {InstallHint}");
        }

        if (r.ExitCode != 0) throw new InvalidOperationException($"{python} cannot import torch; the e2e peer needs PyTorch: {InstallHint}\n{r.Stderr}");
    }

    /// <summary>The prompt pool as the peer reads it: vocabulary strings, pad and stop ids, prompts as ids with answers.</summary>
    public static void ExportProblems(IEnumerable<(string Prompt, string Answer)> problems, ITokenizer tokenizer, IReadOnlyList<int> stopIds, string path)
    {
        var vocab = Enumerable.Range(0, tokenizer.VocabSize).Select(i => tokenizer.IdToToken(i) ?? string.Empty).ToArray();
        var doc = new
        {
            vocab,
            pad_id = tokenizer.PadId ?? 0,
            stop_ids = stopIds,
            problems = problems.Select(p => new { ids = tokenizer.Encode(p.Prompt), answer = p.Answer }).ToArray(),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(doc));
    }

    public SideRun Run(RunConfig config, string modelJson, string problemsPath, int threads, int warmupSteps)
    {
        var c = CultureInfo.InvariantCulture;
        var psi = new ProcessStartInfo(python);
        foreach (var a in new[]
                 {
                     script, "--config", modelJson, "--problems", problemsPath,
                     "--steps", config.Training.Steps.ToString(c), "--group-size", config.Task.GroupSize.ToString(c),
                     "--prompts-per-step", config.Task.PromptsPerStep.ToString(c), "--max-new-tokens", config.Generation.MaxNewTokens.ToString(c),
                     "--temperature", config.Generation.Temperature.ToString(c), "--lr", config.Training.Lr.ToString(c),
                     "--micro-batch", config.Training.MicroBatchSize.ToString(c), "--clip-low", config.Algorithm.ClipLow.ToString(c),
                     "--clip-high", config.Algorithm.ClipHigh.ToString(c), "--grad-clip", config.Training.GradClip.ToString(c),
                     "--threads", threads.ToString(c), "--seed", config.Seed.ToString(c),
                 })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["OMP_NUM_THREADS"] = threads.ToString(c);
        var result = ChildProcess.Run(psi);
        if (result.ExitCode != 0) throw new InvalidOperationException($"grpo_peer.py exited {result.ExitCode}: {result.Stderr}");
        return Parse(result.Stdout.Trim().Split('\n')[^1], result.PeakRssBytes, result.WallSeconds, warmupSteps);
    }

    /// <summary>The peer's JSON line as a run; the first <paramref name="warmupSteps"/> steps are dropped.</summary>
    public SideRun Parse(string json, long polledPeakBytes, double wallSeconds, int warmupSteps = 1)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var steps = new List<StepSample>();
        foreach (var s in root.GetProperty("steps").EnumerateArray())
        {
            long step = s.GetProperty("step").GetInt64();
            if (step <= warmupSteps) continue;
            var rows = s.GetProperty("lengths").EnumerateArray().Select(r => (P: r[0].GetInt32(), C: r[1].GetInt32())).ToList();
            steps.Add(new StepSample(
                step,
                s.GetProperty("generate_s").GetDouble(),
                s.GetProperty("train_s").GetDouble(),
                s.GetProperty("step_s").GetDouble(),
                rows.Count,
                rows.Sum(r => (long)r.C),
                rows.Sum(r => flops.Generation(r.P, r.C)),
                rows.Sum(r => flops.Training(r.P, r.C))));
        }

        long selfReported = root.GetProperty("peak_rss_kib").GetInt64() * 1024;
        return new SideRun(steps, Math.Max(polledPeakBytes, selfReported), wallSeconds);
    }
}
