namespace Pipeline.Model.Tokenizers;

/// <summary>A tokenizer file that is malformed or uses a part this library does not implement.
/// The message names the file and the JSON path of the offending part.</summary>
public sealed class TokenizerFormatException : Exception
{
    public TokenizerFormatException(string message) : base(message) { }
    public TokenizerFormatException(string message, Exception inner) : base(message, inner) { }
}
