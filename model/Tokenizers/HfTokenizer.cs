using System.Collections.Concurrent;
using System.Text;

namespace Pipeline.Model.Tokenizers;

/// <summary>A Hugging Face <c>tokenizer.json</c> (BPE model), encoding and decoding as the
/// tokenizers library does: added tokens, normaliser, pre-tokenizer, BPE, post-processor; and the
/// decoder chain back. Load with <see cref="Load"/> or <see cref="FromJson"/>.</summary>
public sealed class HfTokenizer : ITokenizer
{
    private const int MaxCachedWords = 1 << 18;
    private const int MaxCachedWordLength = 256;

    private readonly BpeModel _model;
    private readonly AddedVocabulary _added;
    private readonly INormalizer? _normalizer;
    private readonly IPreTokenizer? _preTokenizer;
    private readonly IPostProcessor? _postProcessor;
    private readonly IDecoder? _decoder;
    private readonly bool _mapBytes;
    private readonly Dictionary<int, AddedToken> _addedById = new();
    private readonly Dictionary<string, AddedToken> _addedByContent = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheBySpan;

    internal HfTokenizer(BpeModel model, IReadOnlyList<AddedToken> addedTokens, INormalizer? normalizer,
        IPreTokenizer? preTokenizer, bool mapBytes, IPostProcessor? postProcessor, IDecoder? decoder)
    {
        _model = model;
        _normalizer = normalizer;
        _preTokenizer = preTokenizer;
        _mapBytes = mapBytes;
        _postProcessor = postProcessor;
        _decoder = decoder;
        _added = new AddedVocabulary(addedTokens, normalizer);
        foreach (var t in addedTokens)
        {
            _addedById[t.Id] = t;
            _addedByContent[t.Content] = t;
        }
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();

        var max = model.IdToTokenTable.Length - 1;
        foreach (var t in addedTokens) max = Math.Max(max, t.Id);
        VocabSize = max + 1;

        var (before, after) = postProcessor?.Added ?? ([], []);
        BosId = before.Count > 0 ? before[0] : FindFirst("<s>", "<|begin_of_text|>", "<bos>", "<|startoftext|>");
        EosId = after.Count > 0 ? after[^1] : FindFirst("</s>", "<|end_of_text|>", "<|endoftext|>", "<eos>", "<|im_end|>");
        PadId = FindFirst("<pad>", "<|pad|>", "[PAD]", "<|finetune_right_pad_id|>", "<|endoftext|>");
    }

    public static HfTokenizer Load(string path) => HfTokenizerLoader.Load(path);

    /// <summary>Parses tokenizer.json text; <paramref name="sourceName"/> names it in errors.</summary>
    public static HfTokenizer FromJson(string json, string sourceName = "tokenizer.json") => HfTokenizerLoader.Parse(json, sourceName);

    public int VocabSize { get; }
    public int? BosId { get; }
    public int? EosId { get; }
    public int? PadId { get; }
    public IReadOnlyList<AddedToken> AddedTokens => _added.Tokens;

    private int? FindFirst(params string[] names)
    {
        foreach (var n in names)
            if (TokenToId(n) is { } id) return id;
        return null;
    }

    public int? TokenToId(string token)
    {
        if (_addedByContent.TryGetValue(token, out var a)) return a.Id;
        return _model.TryGetId(token, out var id) ? id : null;
    }

    public string? IdToToken(int id)
    {
        if (_addedById.TryGetValue(id, out var a)) return a.Content;
        return id >= 0 && id < _model.IdToTokenTable.Length ? _model.IdToTokenTable[id] : null;
    }

    public bool IsSpecial(int id) => _addedById.TryGetValue(id, out var a) && a.Special;

    public int[] Encode(string text, bool addSpecialTokens = true)
    {
        var ids = new List<int>(text.Length / 3 + 4);
        EncodeInto(text, ids);
        _postProcessor?.Process(ids, addSpecialTokens);
        return ids.ToArray();
    }

    /// <summary>Appends the ids of <paramref name="text"/> without post-processing.</summary>
    public void EncodeInto(string text, List<int> ids)
    {
        var root = Piece.Of(text, atOrigin: true);
        if (root.Length == 0) return;
        var first = new List<(Piece Piece, AddedToken? Token)>();
        if (_added.HasRaw) _added.SplitRaw(root, first);
        else first.Add((root, null));

        var second = new List<(Piece Piece, AddedToken? Token)>();
        var words = new List<Piece>();
        foreach (var (piece, token) in first)
        {
            if (token is not null)
            {
                ids.Add(token.Id);
                continue;
            }
            var normalized = piece;
            if (_normalizer is not null)
            {
                var atOrigin = piece.AtOrigin;
                var text2 = _normalizer.Normalize(piece.ToString(), ref atOrigin);
                normalized = Piece.Of(text2, atOrigin);
                if (normalized.Length == 0) continue;
            }
            second.Clear();
            if (_added.HasNormalized) _added.SplitNormalized(normalized, second);
            else second.Add((normalized, null));
            foreach (var (p, t) in second)
            {
                if (t is not null)
                {
                    ids.Add(t.Id);
                    continue;
                }
                words.Clear();
                if (_preTokenizer is null) words.Add(p);
                else _preTokenizer.Split(p, words);
                foreach (var w in words) EncodeWord(w.Span, ids);
            }
        }
    }

    private void EncodeWord(ReadOnlySpan<char> word, List<int> ids)
    {
        if (word.IsEmpty) return;
        if (_cacheBySpan.TryGetValue(word, out var cached))
        {
            ids.AddRange(cached);
            return;
        }
        var start = ids.Count;
        if (_mapBytes) EncodeMapped(word, ids);
        else _model.Encode(word, ids);
        if (word.Length < MaxCachedWordLength && _cache.Count < MaxCachedWords)
            _cache.TryAdd(word.ToString(), ids.GetRange(start, ids.Count - start).ToArray());
    }

    private void EncodeMapped(ReadOnlySpan<char> word, List<int> ids)
    {
        var byteCount = Encoding.UTF8.GetByteCount(word);
        Span<byte> bytes = byteCount <= 512 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(word, bytes);
        Span<char> mapped = byteCount <= 512 ? stackalloc char[byteCount] : new char[byteCount];
        for (var i = 0; i < byteCount; i++) mapped[i] = ByteLevelAlphabet.ByteToChar(bytes[i]);
        _model.Encode(mapped, ids);
    }

    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var tokens = new List<string>(ids.Length);
        foreach (var id in ids)
        {
            if (_addedById.TryGetValue(id, out var added))
            {
                if (!(skipSpecialTokens && added.Special)) tokens.Add(added.Content);
                continue;
            }
            var t = id >= 0 && id < _model.IdToTokenTable.Length ? _model.IdToTokenTable[id] : null;
            if (t is null) continue;
            if (skipSpecialTokens && _addedByContent.TryGetValue(t, out var a) && a.Special) continue;
            tokens.Add(t);
        }
        if (_decoder is null) return string.Join(' ', tokens);
        return string.Concat(_decoder.DecodeChain(tokens));
    }
}
