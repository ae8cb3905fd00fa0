namespace Pipeline.Bench.E2e;

/// <summary>Model shapes for the end-to-end comparison (vocabulary: the task's character tokenizer).</summary>
public static class E2eSizes
{
    /// <summary>(dim, hidden, layers, heads, kv_heads) by name. tiny is configs/llama_arithmetic.json's model.</summary>
    public static readonly IReadOnlyDictionary<string, (int Dim, int Hidden, int Layers, int Heads, int KvHeads)> All =
        new Dictionary<string, (int, int, int, int, int)>(StringComparer.Ordinal)
        {
            ["tiny"] = (64, 172, 2, 4, 2),
            ["small"] = (256, 688, 4, 8, 4),
            ["medium"] = (512, 1376, 8, 8, 4),
        };

    public static string Check(string name) =>
        All.ContainsKey(name) ? name : throw new ArgumentException($"--size: '{name}' is not one of: {string.Join(", ", All.Keys)}.");
}
