using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pipeline.Model.Policy;
using Pipeline.Model.Torch;

namespace Pipeline.Bench.Policy;

/// <summary>
/// Prefill and decode tokens/s of our generator next to the same model and batch in PyTorch eager
/// (bench/peer/policy_peer.py, run with /usr/bin/python3 in the same invocation).
/// <c>dotnet run -c Release --project bench -- policy-side-by-side [--sizes 10m,100m] [--batches 1,16,64]
/// [--prompt-len 32] [--new-tokens 16] [--dtype float32] [--threads 2]</c>
/// Prefill: prompt tokens / time of the first step (whole prompt + first sample). Decode: the
/// further tokens / the rest of the time, greedy, no stops, so every row runs to length.
/// </summary>
public static class PolicySideBySide
{
    public static int Run(string[] args)
    {
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        var sizes = Arg("--sizes", "10m,100m").Split(',');
        var batches = Arg("--batches", "1,16,64").Split(',').Select(int.Parse).ToArray();
        var promptLen = int.Parse(Arg("--prompt-len", "32"), CultureInfo.InvariantCulture);
        var newTokens = int.Parse(Arg("--new-tokens", "16"), CultureInfo.InvariantCulture);
        var dtypeName = Arg("--dtype", "float32");
        var dtype = dtypeName == "bfloat16" ? ScalarType.BFloat16 : ScalarType.Float32;
        var threads = int.Parse(Arg("--threads", "2"), CultureInfo.InvariantCulture);
        var peer = Arg("--peer", Path.Combine(FindRepoRoot(), "bench", "peer", "policy_peer.py"));
        torch.set_num_threads(threads);

        Console.WriteLine($"prompt {promptLen} tokens, {newTokens} new tokens, {dtypeName}, {threads} threads; tokens/s, best of 2");
        Console.WriteLine("| model | batch | ours prefill | torch prefill | ratio | ours decode | torch decode | ratio |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var size in sizes)
        {
            var config = PolicyBenchConfigs.ByName(size);
            using var model = LlamaModel.Create(config, seed: 0, dtype);
            foreach (var batch in batches)
            {
                var (prefill, decode) = Ours(model, batch, promptLen, newTokens);
                var (pPrefill, pDecode) = Peer(peer, config, batch, promptLen, newTokens, dtypeName, threads);
                Console.WriteLine($"| {size} ({model.ParameterCount / 1e6:F1}M) | {batch} | {prefill:F0} | {pPrefill:F0} | {prefill / pPrefill:F2} | {decode:F0} | {pDecode:F0} | {decode / pDecode:F2} |");
            }
        }
        return 0;
    }

    public static (double Prefill, double Decode) Ours(LlamaModel model, int batch, int promptLen, int newTokens)
    {
        var rng = new Random(1);
        var prompts = Enumerable.Range(0, batch).Select(_ => Enumerable.Range(0, promptLen).Select(_ => rng.Next(model.Config.VocabSize)).ToArray()).ToArray();
        var gen = new PolicyGenerator(model);
        double Time(int n)
        {
            var sw = Stopwatch.StartNew();
            gen.Generate(new GenerationRequest(prompts, new SamplingOptions { Greedy = true, MaxNewTokens = n }));
            return sw.Elapsed.TotalSeconds;
        }
        Time(2); // warm-up
        var (bestPrefill, bestDecode) = (0.0, 0.0);
        for (var r = 0; r < 2; r++)
        {
            var first = Time(1);
            var all = Time(1 + newTokens);
            bestPrefill = Math.Max(bestPrefill, batch * promptLen / first);
            bestDecode = Math.Max(bestDecode, batch * newTokens / Math.Max(1e-9, all - first));
        }
        return (bestPrefill, bestDecode);
    }

    private static (double Prefill, double Decode) Peer(string script, LlamaConfig config, int batch, int promptLen, int newTokens, string dtype, int threads)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { script, "--config", PolicyBenchConfigs.PeerJson(config), "--batch", $"{batch}", "--prompt-len", $"{promptLen}",
                     "--new-tokens", $"{newTokens}", "--dtype", dtype, "--threads", $"{threads}" })
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"policy_peer.py exited {p.ExitCode}: {stderr}");
        }
        using var doc = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        return (doc.RootElement.GetProperty("prefill_tok_s").GetDouble(), doc.RootElement.GetProperty("decode_tok_s").GetDouble());
    }

    private static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Pipeline.sln"))) return d.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}
