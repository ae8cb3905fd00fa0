namespace Pipeline.Data.Datasets;

/// <summary>
/// Which source field holds each part of a problem. A name with dots ("reward_model.ground_truth")
/// walks into nested objects when no top-level field has the literal name.
/// </summary>
public sealed class DatasetFieldMap
{
    public string Id { get; set; } = "id";
    public string Prompt { get; set; } = "prompt";
    public string Answer { get; set; } = "answer";
    public string Solution { get; set; } = "solution";
    public string Task { get; set; } = "task";
    public string Difficulty { get; set; } = "difficulty";
    public string Hints { get; set; } = "hints";

    /// <summary>An object whose entries become metadata.</summary>
    public string Metadata { get; set; } = "metadata";

    /// <summary>Task name for rows without a task field; null means the source file's name without extension.</summary>
    public string? DefaultTask { get; set; }

    /// <summary>Other top-level scalar fields become metadata too (e.g. "verifier", "numbers", "target").</summary>
    public bool ExtraFieldsAsMetadata { get; set; } = true;

    public void Validate()
    {
        foreach (var (name, value) in new[] { ("Id", Id), ("Prompt", Prompt), ("Answer", Answer), ("Solution", Solution), ("Task", Task), ("Difficulty", Difficulty), ("Hints", Hints), ("Metadata", Metadata) })
        {
            if (string.IsNullOrWhiteSpace(value))
                throw new ArgumentException($"field name for {name} must not be empty", name);
        }
    }
}
