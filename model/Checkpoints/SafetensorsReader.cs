using System.IO.MemoryMappedFiles;
using System.Text.Json;
using Pipeline.Model.Torch;

namespace Pipeline.Model.Checkpoints;

/// <summary>
/// Reads a .safetensors file through a read-only memory map: the header (8-byte little-endian
/// length, then JSON) is parsed and checked when opened; tensor bytes are copied straight from the
/// mapping into libtorch when asked for, so only the tensors read are ever paged in.
/// </summary>
public sealed unsafe class SafetensorsReader : IDisposable
{
    // Headers of real checkpoints are a few hundred KB; a larger length means a corrupt or foreign file.
    private const long MaxHeaderBytes = 100L << 20;

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafetensorsEntry> _entries;

    public SafetensorsReader(string path)
    {
        Path = path;
        var length = new FileInfo(path).Length;
        if (length < 8)
        {
            throw new CheckpointFormatException($"{path}: {length} bytes is too short for a safetensors file (needs an 8-byte header length)");
        }
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        try
        {
            _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* p = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            _base = p + _view.PointerOffset;
            var headerLength = *(long*)_base; // the format is little-endian, as is every platform libtorch supports here
            if (headerLength <= 0 || headerLength > MaxHeaderBytes || headerLength > length - 8)
            {
                throw new CheckpointFormatException($"{path}: header length {headerLength} is invalid for a file of {length} bytes");
            }
            _dataStart = 8 + headerLength;
            var header = new ReadOnlySpan<byte>(_base + 8, checked((int)headerLength));
            (_entries, Metadata) = ParseHeader(header, length - _dataStart, path);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Path { get; }

    /// <summary>The optional <c>__metadata__</c> string map.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public IReadOnlyCollection<string> Names => _entries.Keys;

    public IEnumerable<SafetensorsEntry> Entries => _entries.Values;

    public bool Contains(string name) => _entries.ContainsKey(name);

    public SafetensorsEntry Entry(string name) =>
        _entries.TryGetValue(name, out var e) ? e : throw new CheckpointFormatException($"{Path}: no tensor named '{name}'");

    /// <summary>The raw little-endian bytes of a tensor, valid while this reader is open.</summary>
    public ReadOnlySpan<byte> Bytes(string name)
    {
        var e = Entry(name);
        return new ReadOnlySpan<byte>(_base + _dataStart + e.Begin, checked((int)e.ByteLength));
    }

    /// <summary>A new CPU tensor holding a copy of the stored one, in its stored dtype.</summary>
    public Tensor Read(string name)
    {
        var e = Entry(name);
        var bytes = Bytes(name);
        return e.DType switch
        {
            ScalarType.Float32 => torch.tensor(Cast<float>(bytes), e.Shape),
            ScalarType.BFloat16 => torch.tensor(Cast<ushort>(bytes), e.Shape),
            ScalarType.Float16 => torch.tensor(Cast<Half>(bytes), e.Shape),
            ScalarType.Float64 => torch.tensor(Cast<double>(bytes), e.Shape),
            ScalarType.Int64 => torch.tensor(Cast<long>(bytes), e.Shape),
            ScalarType.Int32 => torch.tensor(Cast<int>(bytes), e.Shape),
            ScalarType.Int16 => torch.tensor(Cast<short>(bytes), e.Shape),
            ScalarType.Int8 => torch.tensor(Cast<sbyte>(bytes), e.Shape),
            ScalarType.Byte => torch.tensor(bytes, e.Shape),
            ScalarType.Bool => torch.tensor(Cast<bool>(bytes), e.Shape),
            _ => throw new CheckpointFormatException($"{Path}: tensor '{name}' has unsupported dtype {e.DType}"),
        };
    }

    private static ReadOnlySpan<T> Cast<T>(ReadOnlySpan<byte> b) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(b);

    private static (Dictionary<string, SafetensorsEntry>, Dictionary<string, string>) ParseHeader(ReadOnlySpan<byte> json, long dataLength, string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"{path}: header is not valid JSON: {e.Message}");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CheckpointFormatException($"{path}: header must be a JSON object, found {doc.RootElement.ValueKind}");
            }
            var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object)
                    {
                        throw new CheckpointFormatException($"{path}: __metadata__ must be an object of strings");
                    }
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String
                            ? m.Value.GetString()!
                            : throw new CheckpointFormatException($"{path}: __metadata__ value '{m.Name}' must be a string");
                    }
                    continue;
                }
                entries[prop.Name] = ParseEntry(prop.Name, prop.Value, dataLength, path);
            }
            CheckNoOverlap(entries.Values, path);
            return (entries, metadata);
        }
    }

    private static SafetensorsEntry ParseEntry(string name, JsonElement e, long dataLength, string path)
    {
        if (e.ValueKind != JsonValueKind.Object
            || !e.TryGetProperty("dtype", out var dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String
            || !e.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array
            || !e.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2)
        {
            throw new CheckpointFormatException($"{path}: tensor '{name}' needs dtype (string), shape (array) and data_offsets ([begin, end])");
        }
        var dtype = SafetensorsDType.Parse(dtypeEl.GetString()!, name, path);
        var shape = new long[shapeEl.GetArrayLength()];
        var i = 0;
        long numel = 1;
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var n) || n < 0)
            {
                throw new CheckpointFormatException($"{path}: tensor '{name}' has an invalid dimension {d}");
            }
            shape[i++] = n;
            numel = checked(numel * n);
        }
        var begin = offEl[0].GetInt64();
        var end = offEl[1].GetInt64();
        if (begin < 0 || end < begin || end > dataLength)
        {
            throw new CheckpointFormatException($"{path}: tensor '{name}' has data_offsets [{begin}, {end}] outside the {dataLength}-byte data section");
        }
        var expected = numel * dtype.ElementSize();
        if (end - begin != expected)
        {
            throw new CheckpointFormatException($"{path}: tensor '{name}' ({SafetensorsDType.Name(dtype)} [{string.Join(", ", shape)}]) needs {expected} bytes, its offsets span {end - begin}");
        }
        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }

    private static void CheckNoOverlap(IEnumerable<SafetensorsEntry> entries, string path)
    {
        SafetensorsEntry? previous = null;
        foreach (var e in entries.Where(e => e.ByteLength > 0).OrderBy(e => e.Begin))
        {
            if (previous is not null && e.Begin < previous.End)
            {
                throw new CheckpointFormatException($"{path}: tensors '{previous.Name}' and '{e.Name}' overlap in the data section");
            }
            previous = e;
        }
    }

    public void Dispose()
    {
        if (_view is not null)
        {
            if (_base != null)
            {
                _view.SafeMemoryMappedViewHandle.ReleasePointer();
            }
            _view.Dispose();
        }
        _file?.Dispose();
    }
}
