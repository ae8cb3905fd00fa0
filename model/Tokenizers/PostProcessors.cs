namespace Pipeline.Model.Tokenizers;

/// <summary>Adds the special tokens around an encoded single sequence (bos/eos and the like).</summary>
internal interface IPostProcessor
{
    void Process(List<int> ids, bool addSpecialTokens);

    /// <summary>The ids this processor puts before and after the sequence.</summary>
    (IReadOnlyList<int> Before, IReadOnlyList<int> After) Added { get; }
}

/// <summary>TemplateProcessing's single-sequence template: "$A" is the text, every other piece a
/// special token whose ids come from the template's special_tokens table.</summary>
internal sealed class TemplatePostProcessor(IReadOnlyList<int> before, IReadOnlyList<int> after) : IPostProcessor
{
    public (IReadOnlyList<int> Before, IReadOnlyList<int> After) Added => (before, after);

    public void Process(List<int> ids, bool addSpecialTokens)
    {
        if (!addSpecialTokens) return;
        ids.InsertRange(0, before);
        ids.AddRange(after);
    }
}

/// <summary>A processor that leaves ids alone (ByteLevel's only trims offsets, which we do not
/// track).</summary>
internal sealed class PassThroughPostProcessor : IPostProcessor
{
    public (IReadOnlyList<int> Before, IReadOnlyList<int> After) Added => ([], []);

    public void Process(List<int> ids, bool addSpecialTokens) { }
}

internal sealed class SequencePostProcessor(IReadOnlyList<IPostProcessor> steps) : IPostProcessor
{
    public (IReadOnlyList<int> Before, IReadOnlyList<int> After) Added
    {
        get
        {
            var before = new List<int>();
            var after = new List<int>();
            foreach (var s in steps)
            {
                before.InsertRange(0, s.Added.Before);
                after.AddRange(s.Added.After);
            }
            return (before, after);
        }
    }

    public void Process(List<int> ids, bool addSpecialTokens)
    {
        foreach (var s in steps) s.Process(ids, addSpecialTokens);
    }
}
