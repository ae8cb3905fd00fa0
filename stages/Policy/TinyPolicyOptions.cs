namespace Pipeline.Stages.Policy;

/// <summary>Sizes of <see cref="TinyPolicy"/> (config section <c>model</c> with <c>type: "tiny"</c>).</summary>
public sealed record TinyPolicyOptions
{
    public required int VocabSize { get; init; }

    /// <summary>Width of the token embeddings and the prompt summary.</summary>
    public int Dim { get; init; } = 32;

    /// <summary>Width of the hidden layer.</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Seeds the initial weights.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Id used to pad rows; its positions are masked out.</summary>
    public int PadId { get; init; }

    public void Validate()
    {
        if (VocabSize < 2) throw new ArgumentOutOfRangeException(nameof(VocabSize), VocabSize, "model.vocab_size must be at least 2.");
        if (Dim < 1) throw new ArgumentOutOfRangeException(nameof(Dim), Dim, "model.dim must be positive.");
        if (Hidden < 1) throw new ArgumentOutOfRangeException(nameof(Hidden), Hidden, "model.hidden must be positive.");
        if (PadId < 0 || PadId >= VocabSize) throw new ArgumentOutOfRangeException(nameof(PadId), PadId, "model pad id must lie in the vocabulary.");
    }
}
