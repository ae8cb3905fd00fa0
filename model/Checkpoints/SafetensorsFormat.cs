using Pipeline.Model.Torch;

namespace Pipeline.Model.Checkpoints;

/// <summary>Thrown for a checkpoint file or folder that is malformed or lacks what the model needs.</summary>
public sealed class CheckpointFormatException(string message) : Exception(message);

/// <summary>The safetensors dtype names and the libtorch element types they map to.</summary>
public static class SafetensorsDType
{
    public static ScalarType Parse(string name, string tensorName, string file) => name switch
    {
        "F32" => ScalarType.Float32,
        "BF16" => ScalarType.BFloat16,
        "F16" => ScalarType.Float16,
        "F64" => ScalarType.Float64,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw new CheckpointFormatException($"{file}: tensor '{tensorName}' has dtype '{name}', which is not supported (F32, BF16, F16, F64, I64, I32, I16, I8, U8, BOOL are)"),
    };

    public static string Name(ScalarType t) => t switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Float16 => "F16",
        ScalarType.Float64 => "F64",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "no safetensors name for this dtype"),
    };
}

/// <summary>One tensor's entry in a safetensors header; offsets are relative to the data section.</summary>
public sealed record SafetensorsEntry(string Name, ScalarType DType, long[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;
}
