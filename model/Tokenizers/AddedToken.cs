namespace Pipeline.Model.Tokenizers;

/// <summary>A token matched in raw text before the model sees it (tokenizer.json's
/// <c>added_tokens</c>). Special tokens are the ones <c>skipSpecialTokens</c> drops when decoding.</summary>
public sealed record AddedToken(
    string Content,
    int Id,
    bool Special,
    bool SingleWord = false,
    bool LStrip = false,
    bool RStrip = false,
    bool Normalized = false);
