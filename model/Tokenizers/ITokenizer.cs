namespace Pipeline.Model.Tokenizers;

/// <summary>Text to token ids and back. Implementations are safe to share between threads.</summary>
public interface ITokenizer
{
    /// <summary>Number of ids the model's embedding must cover (largest id + 1).</summary>
    int VocabSize { get; }

    int? BosId { get; }
    int? EosId { get; }
    int? PadId { get; }

    /// <summary>Encodes <paramref name="text"/>; <paramref name="addSpecialTokens"/> lets the
    /// post-processor add bos/eos as the tokenizer's configuration says.</summary>
    int[] Encode(string text, bool addSpecialTokens = true);

    /// <summary>Decodes ids; ids the vocabulary does not know are skipped, as Hugging Face does.</summary>
    string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false);

    int? TokenToId(string token);
    string? IdToToken(int id);
}
