namespace Pipeline.Model.Torch;

/// <summary>Which attention implementation runs: the choice is exposed so both can be tested against each other.</summary>
public enum AttentionPath
{
    /// <summary>Fused where libtorch has it, else explicit.</summary>
    Auto = 0,
    Explicit = 1,
    Fused = 2,
}
