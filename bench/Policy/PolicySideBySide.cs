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
/// [--prompt-len 32] [--new-tokens 16] [--dtype float32] [--peer-dtype float32] [--threads 2] [--repeats 3]</c>
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
        var peerDType = Arg("--peer-dtype", dtypeName);
        var repeats = int.Parse(Arg("--repeats", "3"), CultureInfo.InvariantCulture);
        var dtype = dtypeName == "bfloat16" ? ScalarType.BFloat16 : ScalarType.Float32;
        var threads = int.Parse(Arg("--threads", "2"), CultureInfo.InvariantCulture);
        var peer = Arg("--peer", Path.Combine(FindRepoRoot(), "bench", "peer", "policy_peer.py"));
        torch.set_num_threads(threads);

        Console.WriteLine($"prompt {promptLen} tokens, {newTokens} new tokens, ours {dtypeName}, torch {peerDType}, {threads} threads, best of {repeats}");
        Console.WriteLine("tokens/s wall-clock, and [per CPU-second] which load from other processes disturbs less");
        Console.WriteLine("| model | batch | ours prefill | torch prefill | ratio | ours decode | torch decode | ratio |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var size in sizes)
        {
            var config = PolicyBenchConfigs.ByName(size);
            using var model = LlamaModel.Create(config, seed: 0, dtype);
            foreach (var batch in batches)
            {
                var o = Ours(model, batch, promptLen, newTokens, repeats);
                var p = Peer(peer, config, batch, promptLen, newTokens, peerDType, threads, repeats);
                Console.WriteLine($"| {size} ({model.ParameterCount / 1e6:F1}M) | {batch} | {o.Prefill:F0} [{o.PrefillCpu:F0}] | {p.Prefill:F0} [{p.PrefillCpu:F0}] " +
                    $"| {o.Prefill / p.Prefill:F2} [{o.PrefillCpu / p.PrefillCpu:F2}] | {o.Decode:F0} [{o.DecodeCpu:F0}] | {p.Decode:F0} [{p.DecodeCpu:F0}] " +
                    $"| {o.Decode / p.Decode:F2} [{o.DecodeCpu / p.DecodeCpu:F2}] |");
            }
        }
        return 0;
    }

    public readonly record struct Rates(double Prefill, double Decode, double PrefillCpu, double DecodeCpu)
    {
        public Rates Max(Rates o) => new(Math.Max(Prefill, o.Prefill), Math.Max(Decode, o.Decode), Math.Max(PrefillCpu, o.PrefillCpu), Math.Max(DecodeCpu, o.DecodeCpu));
    }

    public static Rates Ours(LlamaModel model, int batch, int promptLen, int newTokens, int repeats)
    {
        var rng = new Random(1);
        var prompts = Enumerable.Range(0, batch).Select(_ => Enumerable.Range(0, promptLen).Select(_ => rng.Next(model.Config.VocabSize)).ToArray()).ToArray();
        var gen = new PolicyGenerator(model);
        var self = Process.GetCurrentProcess();
        (double Wall, double Cpu) Time(int n)
        {
            self.Refresh();
            var c0 = self.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            gen.Generate(new GenerationRequest(prompts, new SamplingOptions { Greedy = true, MaxNewTokens = n }));
            var wall = sw.Elapsed.TotalSeconds;
            self.Refresh();
            return (wall, (self.TotalProcessorTime - c0).TotalSeconds);
        }
        Time(2); // warm-up
        var best = default(Rates);
        for (var r = 0; r < repeats; r++)
        {
            var first = Time(1);
            var all = Time(1 + newTokens);
            best = best.Max(new Rates(batch * promptLen / first.Wall, batch * newTokens / Math.Max(1e-9, all.Wall - first.Wall),
                batch * promptLen / first.Cpu, batch * newTokens / Math.Max(1e-9, all.Cpu - first.Cpu)));
        }
        return best;
    }

    private static Rates Peer(string script, LlamaConfig config, int batch, int promptLen, int newTokens, string dtype, int threads, int repeats)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { script, "--config", PolicyBenchConfigs.PeerJson(config), "--batch", $"{batch}", "--prompt-len", $"{promptLen}",
                     "--new-tokens", $"{newTokens}", "--dtype", dtype, "--threads", $"{threads}", "--repeats", $"{repeats}" })
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
        var e = doc.RootElement;
        return new Rates(e.GetProperty("prefill_tok_s").GetDouble(), e.GetProperty("decode_tok_s").GetDouble(),
            e.GetProperty("prefill_tok_cpu_s").GetDouble(), e.GetProperty("decode_tok_cpu_s").GetDouble());
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
