using System.Globalization;

namespace Pipeline.Bench.E2e;

/// <summary>
/// The settings both sides of <c>./run bench e2e</c> share. Parsed from
/// <c>--size tiny --steps 30 --warmup-steps 5 --group-size 4 --prompts-per-step 4 --max-new-tokens 24 --threads 1 --repeats 2</c>;
/// the first <see cref="WarmupSteps"/> steps of every run are warm-up, left out of the rates on both
/// sides: the JIT keeps promoting hot methods to optimised code and the allocators settle over the
/// first steps (ours: ~10 steps), while a training run lasts hundreds, so rates over a run's first
/// steps measure mostly warm-up.
/// </summary>
public sealed record E2eOptions
{
    public string Size { get; init; } = "tiny";
    public int Steps { get; init; } = 30;

    /// <summary>Leading steps of every run left out of the rates (both sides); at least 1, fewer than <see cref="Steps"/>.</summary>
    public int WarmupSteps { get; init; } = 5;
    public int GroupSize { get; init; } = 4;
    public int PromptsPerStep { get; init; } = 4;
    public int MaxNewTokens { get; init; } = 24;
    public int Threads { get; init; } = 1;

    /// <summary>The peer's intra-op threads; 0 = <see cref="Threads"/>. Async mode runs our generation and training side by side on <see cref="Threads"/> each, so a whole-machine comparison gives the peer their sum.</summary>
    public int PeerThreads { get; init; }

    public int EffectivePeerThreads => PeerThreads > 0 ? PeerThreads : Threads;
    public int Repeats { get; init; } = 2;
    public int MicroBatch { get; init; } = 8;

    /// <summary>Our training.mode: sync (the peer's structure) or async (generation one version ahead, overlapping training).</summary>
    public string Mode { get; init; } = "sync";
    public string Config { get; init; } = "configs/llama_arithmetic.json";
    public string Out { get; init; } = "bench/results/e2e.md";
    public string Python { get; init; } = "/usr/bin/python3";

    public static readonly string Usage =
        "usage: e2e [--size tiny|small|medium] [--steps N>=2] [--warmup-steps N>=1] [--group-size N>=2] [--prompts-per-step N] [--max-new-tokens N] " +
        "[--threads N] [--peer-threads N] [--repeats N] [--micro-batch N] [--mode sync|async] [--config path] [--out path] [--python path]";

    /// <summary>Parses the verb's arguments; an unknown option, a missing or bad value throws naming it.</summary>
    public static E2eOptions Parse(IReadOnlyList<string> args)
    {
        var o = new E2eOptions();
        for (int i = 0; i < args.Count; i += 2)
        {
            var name = args[i];
            if (i + 1 >= args.Count) throw new ArgumentException($"{name}: a value is missing. {Usage}");
            var value = args[i + 1];
            o = name switch
            {
                "--size" => o with { Size = E2eSizes.Check(value) },
                "--steps" => o with { Steps = Int(name, value, 2) },
                "--warmup-steps" => o with { WarmupSteps = Int(name, value, 1) },
                "--group-size" => o with { GroupSize = Int(name, value, 2) },
                "--prompts-per-step" => o with { PromptsPerStep = Int(name, value, 1) },
                "--max-new-tokens" => o with { MaxNewTokens = Int(name, value, 1) },
                "--threads" => o with { Threads = Int(name, value, 1) },
                "--peer-threads" => o with { PeerThreads = Int(name, value, 1) },
                "--repeats" => o with { Repeats = Int(name, value, 1) },
                "--micro-batch" => o with { MicroBatch = Int(name, value, 1) },
                "--mode" => o with { Mode = value is "sync" or "async" ? value : throw new ArgumentException($"--mode: '{value}' is not one of: sync, async.") },
                "--config" => o with { Config = value },
                "--out" => o with { Out = value },
                "--python" => o with { Python = value },
                _ => throw new ArgumentException($"{name}: unknown option. {Usage}"),
            };
        }

        if (o.WarmupSteps >= o.Steps)
            throw new ArgumentException($"--warmup-steps: {o.WarmupSteps} leaves none of the {o.Steps} steps to time; give fewer warm-up steps or more --steps.");
        return o;
    }

    /// <summary>The command line that reproduces these settings.</summary>
    public string CommandLine() => string.Create(CultureInfo.InvariantCulture,
        $"./run bench e2e --size {Size} --steps {Steps} --warmup-steps {WarmupSteps} --group-size {GroupSize} --prompts-per-step {PromptsPerStep} --max-new-tokens {MaxNewTokens} --threads {Threads}{(PeerThreads > 0 ? $" --peer-threads {PeerThreads}" : "")} --repeats {Repeats} --micro-batch {MicroBatch} --mode {Mode}");

    private static int Int(string name, string value, int min) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min
            ? n
            : throw new ArgumentException($"{name}: '{value}' must be an integer >= {min}.");
}
