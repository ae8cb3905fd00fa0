using System.Globalization;
using System.Text.Json;
using Pipeline.Cli.Configuration;
using Pipeline.Model.Torch.Optim;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Policy;

namespace Pipeline.Cli.Training;

/// <summary>
/// checkpoints/&lt;step&gt;/ of a run: weights.safetensors, optimizer.bin (AdamW), trainer.json
/// (schedule position, policy version), sampler.json (prompt statistics), rng.json, counters.json,
/// and COMPLETE, written last: a directory without it is ignored and replaced.
/// </summary>
public sealed class CheckpointStore(string directory, int every, int keep, IPolicyModel policy, AdamW optimizer, LRScheduler scheduler, IPromptSampler sampler, ulong seed) : ICheckpointSink
{
    public const string Marker = "COMPLETE";

    public string Directory => directory;

    public bool IsDue(long step) => every > 0 && step > 0 && step % every == 0;

    public void Save(long step, RunCounters counters)
    {
        var dir = Path.Combine(directory, step.ToString(CultureInfo.InvariantCulture));
        if (System.IO.Directory.Exists(dir)) System.IO.Directory.Delete(dir, recursive: true);
        System.IO.Directory.CreateDirectory(dir);
        policy.Save(Path.Combine(dir, "weights.safetensors"));
        using (var stream = File.Create(Path.Combine(dir, "optimizer.bin")))
        {
            optimizer.Save(stream);
            stream.Flush(true);
        }
        Write(dir, "trainer.json", new TrainerState(scheduler.Step, counters.PolicyVersion));
        Write(dir, "sampler.json", sampler.StatisticsThrough(step).ToDictionary(p => p.Key, p => p.Value));
        Write(dir, "rng.json", new RngState(seed, "stateless: prompt draws, generation seeds and shuffles are functions of (seed, step, slot, attempt)"));
        Write(dir, "counters.json", counters);
        Write(dir, Marker, new { step, written_at = DateTimeOffset.UtcNow });
        Prune();
    }

    /// <summary>Steps with a complete checkpoint, newest first.</summary>
    public static IReadOnlyList<long> Complete(string directory) =>
        !System.IO.Directory.Exists(directory) ? [] :
        [.. System.IO.Directory.EnumerateDirectories(directory)
            .Select(d => (Dir: d, Ok: long.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var s), Step: s))
            .Where(x => x.Ok && File.Exists(Path.Combine(x.Dir, Marker)))
            .Select(x => x.Step)
            .OrderDescending()];

    /// <summary>Restores weights, optimizer, schedule and sampler from checkpoint <paramref name="step"/>; returns its counters.</summary>
    public RunCounters Restore(long step)
    {
        var dir = Path.Combine(directory, step.ToString(CultureInfo.InvariantCulture));
        policy.Load(Path.Combine(dir, "weights.safetensors"));
        using (var stream = File.OpenRead(Path.Combine(dir, "optimizer.bin"))) optimizer.Load(stream);
        var trainer = Read<TrainerState>(dir, "trainer.json");
        scheduler.Seek(trainer.SchedulerStep);
        sampler.Restore(Read<Dictionary<string, PromptStatistics>>(dir, "sampler.json"));
        return Read<RunCounters>(dir, "counters.json");
    }

    private void Prune()
    {
        foreach (var old in Complete(directory).Skip(keep))
            System.IO.Directory.Delete(Path.Combine(directory, old.ToString(CultureInfo.InvariantCulture)), recursive: true);
    }

    private static void Write<T>(string dir, string name, T value)
    {
        var path = Path.Combine(dir, name);
        using var stream = File.Create(path);
        JsonSerializer.Serialize(stream, value, ConfigJson.Options);
        stream.Flush(true);
    }

    private static T Read<T>(string dir, string name) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(Path.Combine(dir, name)), ConfigJson.Options)
            ?? throw new InvalidDataException($"{Path.Combine(dir, name)} is empty.");

    private sealed record TrainerState(long SchedulerStep, long PolicyVersion);

    private sealed record RngState(ulong Seed, string Scheme);
}
