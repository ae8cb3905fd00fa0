namespace Pipeline.Model.Tokenizers;

/// <summary>Pair of token ids to (rank, merged id): open addressing with linear probing. BPE spends
/// most of its time in these lookups, several per merge, and this is about twice as fast as
/// Dictionary&lt;long, ...&gt; for them.</summary>
internal sealed class MergeTable
{
    private const long Empty = -1;
    private readonly long[] _keys;
    private readonly int[] _ranks;
    private readonly int[] _newIds;
    private readonly int _shift;

    public MergeTable(IReadOnlyDictionary<long, (int Rank, int NewId)> merges)
    {
        var bits = 4;
        while ((1 << bits) < merges.Count * 2) bits++;
        _shift = 64 - bits;
        _keys = new long[1 << bits];
        _ranks = new int[1 << bits];
        _newIds = new int[1 << bits];
        Array.Fill(_keys, Empty);
        var mask = _keys.Length - 1;
        foreach (var (key, (rank, newId)) in merges)
        {
            var i = Slot(key);
            while (_keys[i] != Empty) i = (i + 1) & mask;
            _keys[i] = key;
            _ranks[i] = rank;
            _newIds[i] = newId;
        }
    }

    public static long Key(int a, int b) => ((long)a << 32) | (uint)b;

    private int Slot(long key) => (int)((ulong)(key * -7046029254386353131L) >> _shift);

    public bool TryGet(int a, int b, out int rank, out int newId)
    {
        var key = Key(a, b);
        var mask = _keys.Length - 1;
        for (var i = Slot(key); ; i = (i + 1) & mask)
        {
            var k = _keys[i];
            if (k == key)
            {
                rank = _ranks[i];
                newId = _newIds[i];
                return true;
            }
            if (k == Empty)
            {
                rank = newId = 0;
                return false;
            }
        }
    }
}
