using System.Text;

namespace Pipeline.Model.Tokenizers;

/// <summary>Byte-pair encoding of one word, as Hugging Face's BPE model does it: the word starts as
/// one symbol per character (or per UTF-8 byte, through <c>&lt;0xXX&gt;</c> tokens, when the
/// character is unknown and byte fallback is on), then the adjacent pair with the lowest merge
/// rank is merged, leftmost first, until no ranked pair is left.</summary>
internal sealed class BpeModel
{
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _vocabBySpan;
    private readonly Dictionary<long, (int Rank, int NewId)> _merges;
    private readonly int[] _byteIds = new int[256];
    private readonly string? _unkToken;
    private readonly string? _prefix;
    private readonly string? _suffix;

    public BpeModel(Dictionary<string, int> vocab, IReadOnlyList<(string A, string B)> merges, string? unkToken,
        string? continuingSubwordPrefix, string? endOfWordSuffix, bool fuseUnk, bool byteFallback, bool ignoreMerges,
        Func<string, Exception> error)
    {
        _vocab = vocab;
        _vocabBySpan = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _unkToken = unkToken;
        _prefix = continuingSubwordPrefix;
        _suffix = endOfWordSuffix;
        FuseUnk = fuseUnk;
        ByteFallback = byteFallback;
        IgnoreMerges = ignoreMerges;

        var maxId = -1;
        foreach (var id in vocab.Values) maxId = Math.Max(maxId, id);
        IdToTokenTable = new string?[maxId + 1];
        foreach (var (token, id) in vocab)
        {
            if (id < 0) throw error($"vocab entry '{token}' has negative id {id}");
            IdToTokenTable[id] = token;
        }

        var prefixLength = continuingSubwordPrefix?.Length ?? 0;
        _merges = new Dictionary<long, (int, int)>(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (a, b) = merges[rank];
            if (!vocab.TryGetValue(a, out var aId)) throw error($"merge {rank} ('{a} {b}'): '{a}' is not in the vocab");
            if (!vocab.TryGetValue(b, out var bId)) throw error($"merge {rank} ('{a} {b}'): '{b}' is not in the vocab");
            var merged = a + (prefixLength <= b.Length ? b[prefixLength..] : "");
            if (!vocab.TryGetValue(merged, out var newId)) throw error($"merge {rank} ('{a} {b}'): '{merged}' is not in the vocab");
            // A pair listed twice keeps its last rank, as the merge map Hugging Face builds does.
            _merges[Key(aId, bId)] = (rank, newId);
        }

        for (var b = 0; b < 256; b++)
            _byteIds[b] = vocab.TryGetValue($"<0x{b:X2}>", out var id) ? id : -1;
    }

    public bool FuseUnk { get; }
    public bool ByteFallback { get; }
    public bool IgnoreMerges { get; }
    public string?[] IdToTokenTable { get; }
    public int VocabCount => _vocab.Count;
    public IReadOnlyDictionary<string, int> Vocab => _vocab;

    public bool TryGetId(ReadOnlySpan<char> token, out int id) => _vocabBySpan.TryGetValue(token, out id);

    private static long Key(int a, int b) => ((long)a << 32) | (uint)b;

    [ThreadStatic] private static Scratch? t_scratch;

    /// <summary>Appends the ids of <paramref name="word"/> (already in the vocabulary's alphabet:
    /// byte-level characters for byte-level tokenizers) to <paramref name="output"/>.</summary>
    public void Encode(ReadOnlySpan<char> word, List<int> output)
    {
        if (word.IsEmpty) return;
        if (IgnoreMerges && _vocabBySpan.TryGetValue(word, out var whole))
        {
            output.Add(whole);
            return;
        }
        var scratch = t_scratch ??= new Scratch();
        scratch.Reset(word.Length * 4 + 4);
        AddSymbols(word, scratch);
        MergeAll(scratch);
        for (var i = 0; i < scratch.Count; i++)
            if (!scratch.Removed[i]) output.Add(scratch.Ids[i]);
    }

    private void AddSymbols(ReadOnlySpan<char> word, Scratch scratch)
    {
        var pendingUnkId = -1;
        Span<byte> utf8 = stackalloc byte[64];
        for (var i = 0; i < word.Length;)
        {
            UnicodeClass.CodePointAt(word, i, out var len);
            var isFirst = i == 0;
            var isLast = i + len == word.Length;
            var ch = word.Slice(i, len);
            i += len;

            ReadOnlySpan<char> s = ch;
            if ((!isFirst && _prefix is not null) || (isLast && _suffix is not null))
            {
                var p = !isFirst ? _prefix ?? "" : "";
                var q = isLast ? _suffix ?? "" : "";
                var total = p.Length + ch.Length + q.Length;
                var dst = new char[total];
                p.AsSpan().CopyTo(dst);
                ch.CopyTo(dst[p.Length..]);
                q.AsSpan().CopyTo(dst[(p.Length + ch.Length)..]);
                s = dst[..total];
            }

            if (_vocabBySpan.TryGetValue(s, out var id))
            {
                if (pendingUnkId >= 0)
                {
                    scratch.Add(pendingUnkId);
                    pendingUnkId = -1;
                }
                scratch.Add(id);
                continue;
            }
            if (ByteFallback)
            {
                var bytes = Encoding.UTF8.GetByteCount(s) <= utf8.Length ? utf8 : new byte[Encoding.UTF8.GetByteCount(s)];
                var n = Encoding.UTF8.GetBytes(s, bytes);
                var all = true;
                for (var k = 0; k < n && all; k++) all = _byteIds[bytes[k]] >= 0;
                if (all)
                {
                    // Hugging Face does not flush a pending unknown before byte tokens; neither do we.
                    for (var k = 0; k < n; k++) scratch.Add(_byteIds[bytes[k]]);
                    continue;
                }
            }
            if (_unkToken is not null)
            {
                if (pendingUnkId >= 0 && FuseUnk) continue;
                if (pendingUnkId >= 0) scratch.Add(pendingUnkId);
                if (!_vocab.TryGetValue(_unkToken, out pendingUnkId))
                    throw new InvalidOperationException($"The unk_token '{_unkToken}' is not in the BPE vocab.");
            }
            // Without an unk token Hugging Face drops the character; so do we.
        }
        if (pendingUnkId >= 0) scratch.Add(pendingUnkId);
    }

    private void MergeAll(Scratch w)
    {
        var heap = w.Heap;
        heap.Clear();
        for (var i = 0; i + 1 < w.Count; i++)
            if (_merges.TryGetValue(Key(w.Ids[i], w.Ids[i + 1]), out var m)) heap.Push(m.Rank, i, m.NewId);

        while (heap.TryPop(out var rank, out var pos, out var newId))
        {
            _ = rank;
            if (w.Removed[pos]) continue;
            var next = w.Next[pos];
            if (next < 0) continue;
            // Stale entries are dropped unless the pair now at this position merges into the same
            // token: that is Hugging Face's validity test, kept so that results match exactly.
            if (!_merges.TryGetValue(Key(w.Ids[pos], w.Ids[next]), out var check) || check.NewId != newId) continue;

            w.Ids[pos] = newId;
            var after = w.Next[next];
            w.Next[pos] = after;
            w.Removed[next] = true;
            if (after >= 0) w.Prev[after] = pos;

            var before = w.Prev[pos];
            if (before >= 0 && _merges.TryGetValue(Key(w.Ids[before], newId), out var left)) heap.Push(left.Rank, before, left.NewId);
            if (after >= 0 && _merges.TryGetValue(Key(newId, w.Ids[after]), out var right)) heap.Push(right.Rank, pos, right.NewId);
        }
    }

    private sealed class Scratch
    {
        public int[] Ids = new int[64];
        public int[] Prev = new int[64];
        public int[] Next = new int[64];
        public bool[] Removed = new bool[64];
        public int Count;
        public readonly MergeHeap Heap = new();

        public void Reset(int capacity)
        {
            if (Ids.Length < capacity)
            {
                Ids = new int[capacity];
                Prev = new int[capacity];
                Next = new int[capacity];
                Removed = new bool[capacity];
            }
            Count = 0;
        }

        public void Add(int id)
        {
            if (Count == Ids.Length)
            {
                Array.Resize(ref Ids, Count * 2);
                Array.Resize(ref Prev, Count * 2);
                Array.Resize(ref Next, Count * 2);
                Array.Resize(ref Removed, Count * 2);
            }
            Ids[Count] = id;
            Prev[Count] = Count - 1;
            Next[Count] = -1;
            Removed[Count] = false;
            if (Count > 0) Next[Count - 1] = Count;
            Count++;
        }
    }
}

/// <summary>Binary min-heap of pending merges ordered by (rank, position).</summary>
internal sealed class MergeHeap
{
    private (int Rank, int Pos, int NewId)[] _items = new (int, int, int)[64];
    private int _count;

    public void Clear() => _count = 0;

    private static bool Less((int Rank, int Pos, int NewId) a, (int Rank, int Pos, int NewId) b) =>
        a.Rank < b.Rank || (a.Rank == b.Rank && a.Pos < b.Pos);

    public void Push(int rank, int pos, int newId)
    {
        if (_count == _items.Length) Array.Resize(ref _items, _count * 2);
        var i = _count++;
        var item = (rank, pos, newId);
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Less(item, _items[parent])) break;
            _items[i] = _items[parent];
            i = parent;
        }
        _items[i] = item;
    }

    public bool TryPop(out int rank, out int pos, out int newId)
    {
        if (_count == 0)
        {
            rank = pos = newId = 0;
            return false;
        }
        (rank, pos, newId) = _items[0];
        var last = _items[--_count];
        var i = 0;
        while (true)
        {
            var child = 2 * i + 1;
            if (child >= _count) break;
            if (child + 1 < _count && Less(_items[child + 1], _items[child])) child++;
            if (!Less(_items[child], last)) break;
            _items[i] = _items[child];
            i = child;
        }
        if (_count > 0) _items[i] = last;
        return true;
    }
}
