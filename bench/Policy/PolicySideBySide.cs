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
/// [--prompt-len 32] [--new-tokens 16] [--dtype float32] [--peer-dtype float32] [--threads 2] [--repeats 3] [--op-by-op]
/// [--paths native,aten,native-mm] [--no-peer] [--sample]</c>
/// --paths: which of our generation paths to time against the same peer run, one row each:
/// native (the whole-model kernel, float32 CPU only), native-mm (the same with projections
/// through at::mm instead of sgemm), aten (LlamaModel.Forward step by step with RowSampler).
/// Prefill: prompt tokens / time of the first step (whole prompt + first sample). Decode: the
/// further tokens / the rest of the time, greedy, no stops, so every row runs to length. Both
/// sides time the same phases inside one call and keep the best of --repeats runs.
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
        var opByOp = args.Contains("--op-by-op"); // our layers op by op instead of one native call each (to measure the fusion)
        var paths = Arg("--paths", "native").Split(',');
        var noPeer = args.Contains("--no-peer"); // ours only (profiling)
        var sample = args.Contains("--sample"); // ours samples at temperature 1 with row seeds, as GRPO rollouts do (the peer stays greedy)
        torch.set_num_threads(threads);

        Console.WriteLine($"prompt {promptLen} tokens, {newTokens} new tokens, ours {dtypeName}{(opByOp ? " op by op" : "")}, torch {peerDType}, {threads} threads, best of {repeats}");
        Console.WriteLine("| model | batch | path | ours prefill tok/s | torch prefill tok/s | ratio | ours decode tok/s | torch decode tok/s | ratio |");
        Console.WriteLine("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var size in sizes)
        {
            var config = PolicyBenchConfigs.ByName(size);
            using var model = LlamaModel.Create(config, seed: 0, dtype);
            model.UseFusedLayers = !opByOp;
            foreach (var batch in batches)
            {
                var p = noPeer ? new Rates(double.NaN, double.NaN) : Peer(peer, config, batch, promptLen, newTokens, peerDType, threads, repeats);
                foreach (var path in paths)
                {
                    model.UseNativeKernel = path != "aten";
                    NativeDecoder.UseBlas = path != "native-mm";
                    var o = Ours(model, batch, promptLen, newTokens, repeats, sample);
                    Console.WriteLine($"| {size} ({model.ParameterCount / 1e6:F1}M) | {batch} | {path} | {o.Prefill:F0} | {p.Prefill:F0} | {o.Prefill / p.Prefill:F2} " +
                        $"| {o.Decode:F0} | {p.Decode:F0} | {o.Decode / p.Decode:F2} |");
                }
                NativeDecoder.UseBlas = true;
            }
        }
        return 0;
    }

    public readonly record struct Rates(double Prefill, double Decode)
    {
        public Rates Max(Rates o) => new(Math.Max(Prefill, o.Prefill), Math.Max(Decode, o.Decode));
    }

    /// <summary>Best of <paramref name="repeats"/> (the run least disturbed by other load), from the generator's own phase timings.</summary>
    public static Rates Ours(LlamaModel model, int batch, int promptLen, int newTokens, int repeats, bool sample = false)
    {
        var rng = new Random(1);
        var prompts = Enumerable.Range(0, batch).Select(_ => Enumerable.Range(0, promptLen).Select(_ => rng.Next(model.Config.VocabSize)).ToArray()).ToArray();
        var gen = new PolicyGenerator(model);
        var request = new GenerationRequest(prompts, new SamplingOptions { Greedy = !sample, MaxNewTokens = 1 + newTokens })
        {
            RowSeeds = sample ? [.. Enumerable.Range(0, batch).Select(b => (ulong)b)] : null,
        };
        gen.Generate(request with { Options = request.Options with { MaxNewTokens = 3 } }); // warm-up
        var best = default(Rates);
        for (var r = 0; r < repeats; r++)
        {
            var t = gen.Generate(request).Timings!;
            best = best.Max(new Rates(batch * promptLen / t.Prefill.TotalSeconds, batch * t.DecodeSteps / t.Decode.TotalSeconds));
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
        return new Rates(e.GetProperty("prefill_tok_s").GetDouble(), e.GetProperty("decode_tok_s").GetDouble());
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
