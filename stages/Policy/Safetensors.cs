using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Model.Torch;

namespace Pipeline.Stages.Policy;

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// mapping each name to dtype, shape and byte offsets, then the raw little-endian data. Float32
/// only, which is what the small policies here hold.
/// </summary>
public static class Safetensors
{
    public static void Write(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors)
    {
        var header = new JsonObject();
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, tensor) in tensors)
        {
            using var cpu = tensor.detach().cpu().contiguous().to(ScalarType.Float32);
            var values = cpu.data<float>();
            var bytes = new byte[values.Length * 4];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            header[name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(cpu.shape.Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes.Length),
            };
            offset += bytes.Length;
            blobs.Add(bytes);
        }

        var json = System.Text.Encoding.UTF8.GetBytes(header.ToJsonString());
        int pad = (8 - (json.Length % 8)) % 8;
        var tmp = path + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)(json.Length + pad));
            stream.Write(len);
            stream.Write(json);
            for (int i = 0; i < pad; i++) stream.WriteByte((byte)' ');
            foreach (var b in blobs) stream.Write(b);
            stream.Flush(true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Reads every tensor; each is a new CPU float tensor the caller disposes.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8) throw new InvalidDataException($"{path}: too short for a safetensors file.");
        var headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > bytes.Length - 8) throw new InvalidDataException($"{path}: header length {headerLength} exceeds the file.");
        var header = JsonNode.Parse(bytes.AsSpan(8, (int)headerLength)) as JsonObject
            ?? throw new InvalidDataException($"{path}: the header is not a JSON object.");
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        long dataStart = 8 + headerLength;
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__" || node is null) continue;
            var dtype = node["dtype"]!.GetValue<string>();
            if (dtype != "F32") throw new InvalidDataException($"{path}: tensor '{name}' has dtype {dtype}; only F32 is read.");
            var shape = node["shape"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            var offsets = node["data_offsets"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            var count = (int)((offsets[1] - offsets[0]) / 4);
            if (dataStart + offsets[1] > bytes.Length || count != shape.Aggregate(1L, (a, b) => a * b))
                throw new InvalidDataException($"{path}: tensor '{name}' has offsets [{offsets[0]}, {offsets[1]}] that do not fit its shape or the file.");
            var values = new float[count];
            Buffer.BlockCopy(bytes, (int)(dataStart + offsets[0]), values, 0, count * 4);
            result[name] = torch.tensor(values, shape);
        }
        return result;
    }

    /// <summary>Copies the file's tensors into <paramref name="named"/> in place, checking names and shapes.</summary>
    public static void LoadInto(string path, IReadOnlyList<(string Name, Tensor Tensor)> named)
    {
        var read = Read(path);
        try
        {
            using var _ = torch.no_grad();
            foreach (var (name, tensor) in named)
            {
                if (!read.TryGetValue(name, out var source))
                    throw new InvalidDataException($"{path}: no tensor named '{name}'.");
                if (!source.shape.SequenceEqual(tensor.shape))
                    throw new InvalidDataException($"{path}: '{name}' has shape [{string.Join(", ", source.shape)}], the model [{string.Join(", ", tensor.shape)}].");
                tensor.copy_(source);
            }
        }
        finally
        {
            foreach (var t in read.Values) t.Dispose();
        }
    }
}
