using System.Globalization;
using System.Text;

namespace Pipeline.Bench.E2e;

/// <summary>The markdown of <c>bench/results/e2e.md</c>: settings, both sides and their ratios, utilisation, the machine.</summary>
public static class E2eReport
{
    public static string Format(E2eOptions options, string model, SideSummary ours, SideSummary peer, double peakGflops, string machine, DateTimeOffset when)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"# End-to-end GRPO: pipeline vs plain PyTorch loop");
        sb.AppendLine();
        sb.AppendLine(c, $"`{options.CommandLine()}` ({when:yyyy-MM-dd HH:mm} UTC)");
        sb.AppendLine();
        sb.AppendLine(FormattableString.Invariant($"Model {model}; {options.PromptsPerStep} prompts x {options.GroupSize} completions per step, up to {options.MaxNewTokens} new tokens, {options.Steps} steps per run of which the first {options.WarmupSteps} are warm-up (left out of the rates), {options.Repeats} runs per side alternated (ours, peer, ...), {Threads(options)}, fp32, ours in {options.Mode} mode."));
        sb.AppendLine();
        sb.AppendLine("| | ours | peer (PyTorch) | ours / peer |");
        sb.AppendLine("| --- | ---: | ---: | ---: |");
        void Row(string name, double o, double p, string format, bool higherIsBetter = true) =>
            sb.AppendLine($"| {name} | {o.ToString(format, c)} | {p.ToString(format, c)} | {(p == 0 ? "-" : (o / p).ToString("F2", c))}{(higherIsBetter ? string.Empty : " (lower is better)")} |");
        Row("rollouts/s", ours.RolloutsPerSecond, peer.RolloutsPerSecond, "F2");
        Row("completion tokens/s", ours.TokensPerSecond, peer.TokensPerSecond, "F1");
        Row("step time, s", ours.MeanStep, peer.MeanStep, "F3", false);
        Row("  generate, s", ours.MeanGenerate, peer.MeanGenerate, "F3", false);
        Row("  train, s", ours.MeanTrain, peer.MeanTrain, "F3", false);
        Row("  score + other, s", ours.MeanOther, peer.MeanOther, "F3", false);
        Row("mean completion length", ours.MeanCompletionLength, peer.MeanCompletionLength, "F1");
        Row("peak RSS, MiB", ours.PeakRssBytes / 1048576.0, peer.PeakRssBytes / 1048576.0, "F0", false);
        Row("start-up + warm-up steps + exit, s", ours.MeanOverhead, peer.MeanOverhead, "F2", false);
        Row("generation GFLOP/s", ours.GenerationFlopsPerSecond / 1e9, peer.GenerationFlopsPerSecond / 1e9, "F2");
        Row("training GFLOP/s", ours.TrainingFlopsPerSecond / 1e9, peer.TrainingFlopsPerSecond / 1e9, "F2");
        sb.AppendLine();
        sb.AppendLine(FormattableString.Invariant($"Utilisation against the fp32 matmul peak measured here at the same thread count ({peakGflops:F1} GFLOP/s, as `pipeline doctor` measures it): generation {Share(ours.GenerationFlopsPerSecond, peakGflops)} ours, {Share(peer.GenerationFlopsPerSecond, peakGflops)} peer; training {Share(ours.TrainingFlopsPerSecond, peakGflops)} ours, {Share(peer.TrainingFlopsPerSecond, peakGflops)} peer. Model FLOPs: 2·params per token through the blocks, the head where logits are taken, attention products, x3 for training; padding not counted."));
        sb.AppendLine();
        sb.AppendLine(c, $"Goal: ours >= 2x the peer's rollouts/s. Measured: {(ours.RolloutsPerSecond / peer.RolloutsPerSecond).ToString("F2", c)}x, goal {(ours.RolloutsPerSecond >= 2 * peer.RolloutsPerSecond ? "met" : "not met")}.");
        sb.AppendLine();
        sb.AppendLine(FormattableString.Invariant($"Generation batching: ours joins the groups waiting at Generate into calls of up to pipeline.generate_batch_rows rows (default 64; a free call waits up to pipeline.generate_batch_wait_ms, 2 ms, while Sample still has groups on their way), so a step's {options.PromptsPerStep} groups of {options.GroupSize} usually share one call; peer 1 call of {options.PromptsPerStep * options.GroupSize} rows, as TRL batches a step."));
        sb.AppendLine();
        sb.AppendLine("Rates pool the timed steps of all runs of a side (total rollouts / total step time). Step time is the time between the ends of consecutive steps;");
        sb.AppendLine("generate and train are each side's own timers, score + other is the rest. Peak RSS is the process's VmHWM.");
        if (options.Mode == "async")
        {
            sb.AppendLine("In async mode our generation of step n+1 runs while step n trains (one version off-policy, with truncated importance weights), so a step takes less than generate + train and score + other shows 0.");
        }
        sb.AppendLine();
        sb.AppendLine("## Machine");
        sb.AppendLine();
        sb.AppendLine(machine);
        return sb.ToString();
    }

    private static string Threads(E2eOptions o) =>
        o.EffectivePeerThreads == o.Threads
            ? FormattableString.Invariant($"{o.Threads} intra-op thread(s) on both sides")
            : FormattableString.Invariant($"{o.Threads} intra-op thread(s) ours (per stage), {o.EffectivePeerThreads} the peer");

    private static string Share(double flopsPerSecond, double peakGflops) =>
        peakGflops > 0 ? (flopsPerSecond / 1e9 / peakGflops).ToString("P1", CultureInfo.InvariantCulture) : "n/a";
}
