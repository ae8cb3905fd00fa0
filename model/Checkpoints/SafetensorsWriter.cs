using System.Text.Json;
using Pipeline.Model.Torch;

namespace Pipeline.Model.Checkpoints;

/// <summary>
/// Writes tensors to a .safetensors file in the order given: header JSON padded with spaces to a
/// multiple of 8 bytes (as the reference writer does, so data stays aligned), then the raw bytes.
/// Tensors are written in their own dtype; convert before writing to change it.
/// </summary>
public static class SafetensorsWriter
{
    public static void Write(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata)
                {
                    json.WriteString(k, v);
                }
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, t) in tensors)
            {
                if (!seen.Add(name))
                {
                    throw new ArgumentException($"tensor '{name}' is listed twice", nameof(tensors));
                }
                var bytes = t.numel() * t.dtype.ElementSize();
                json.WriteStartObject(name);
                json.WriteString("dtype", SafetensorsDType.Name(t.dtype));
                json.WriteStartArray("shape");
                foreach (var d in t.shape)
                {
                    json.WriteNumberValue(d);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        var padded = (header.Length + 7) / 8 * 8;
        while (header.Length < padded)
        {
            header.WriteByte((byte)' ');
        }

        var tmp = path + ".tmp";
        using (var file = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            Span<byte> len = stackalloc byte[8];
            BitConverter.TryWriteBytes(len, header.Length);
            file.Write(len);
            header.Position = 0;
            header.CopyTo(file);
            foreach (var (_, t) in tensors)
            {
                WriteData(file, t);
            }
        }
        File.Move(tmp, path, overwrite: true);
    }

    private static void WriteData(Stream file, Tensor t)
    {
        using var detached = t.detach();
        using var cpu = detached.device.type == DeviceType.CPU ? detached.alias() : detached.cpu();
        var bytes = checked((int)(cpu.numel() * cpu.dtype.ElementSize()));
        var buffer = new byte[bytes];
        switch (cpu.dtype)
        {
            case ScalarType.Float32: cpu.CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(buffer.AsSpan())); break;
            case ScalarType.BFloat16: cpu.CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(buffer.AsSpan())); break;
            case ScalarType.Float16: cpu.CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(buffer.AsSpan())); break;
            case ScalarType.Float64: cpu.CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(buffer.AsSpan())); break;
            case ScalarType.Int64: cpu.CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(buffer.AsSpan())); break;
            case ScalarType.Int32: cpu.CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(buffer.AsSpan())); break;
            case ScalarType.Int16: cpu.CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(buffer.AsSpan())); break;
            case ScalarType.Int8: cpu.CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(buffer.AsSpan())); break;
            case ScalarType.Byte: cpu.CopyTo(buffer.AsSpan()); break;
            case ScalarType.Bool: cpu.CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, bool>(buffer.AsSpan())); break;
            default: throw new ArgumentException($"cannot write dtype {cpu.dtype}");
        }
        file.Write(buffer);
    }
}
