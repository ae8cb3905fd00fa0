namespace Pipeline.Data.Parquet.Writing;

/// <summary>
/// Open-addressing map from byte slices of one shared buffer to dense ids, so building a string
/// dictionary allocates nothing per value.
/// </summary>
internal sealed class ByteArrayHashTable
{
    private readonly byte[] _data;
    private int[] _slots;
    private readonly List<(int Start, int Length)> _entries = [];

    /// <param name="data">Kept by reference: the caller must not change it while the table is in use.</param>
    public ByteArrayHashTable(byte[] data, int expected)
    {
        _data = data;
        int size = 16;
        while (size < expected * 2) size <<= 1;
        _slots = new int[size];
        Array.Fill(_slots, -1);
    }

    public int Count => _entries.Count;

    public IEnumerable<(int Start, int Length)> Entries() => _entries;

    public int GetOrAdd(int start, int length, out bool added)
    {
        var key = new ReadOnlySpan<byte>(_data, start, length);
        int hash = Hash(key);
        int mask = _slots.Length - 1;
        int slot = hash & mask;
        while (true)
        {
            int id = _slots[slot];
            if (id < 0) break;
            var (s, l) = _entries[id];
            if (l == length && key.SequenceEqual(new ReadOnlySpan<byte>(_data, s, l)))
            {
                added = false;
                return id;
            }
            slot = (slot + 1) & mask;
        }
        int newId = _entries.Count;
        _entries.Add((start, length));
        _slots[slot] = newId;
        added = true;
        if (_entries.Count * 2 > _slots.Length) Grow();
        return newId;
    }

    private void Grow()
    {
        var slots = new int[_slots.Length * 2];
        Array.Fill(slots, -1);
        int mask = slots.Length - 1;
        for (int id = 0; id < _entries.Count; id++)
        {
            var (s, l) = _entries[id];
            int slot = Hash(new ReadOnlySpan<byte>(_data, s, l)) & mask;
            while (slots[slot] >= 0) slot = (slot + 1) & mask;
            slots[slot] = id;
        }
        _slots = slots;
    }

    private static int Hash(ReadOnlySpan<byte> key)
    {
        var h = new HashCode();
        h.AddBytes(key);
        return h.ToHashCode();
    }
}
