namespace Pipeline.Model.Torch;

/// <summary>Device kinds; the values are libtorch's c10::DeviceType codes.</summary>
public enum DeviceType
{
    CPU = 0,
    CUDA = 1,
}

/// <summary>Where a tensor lives: "cpu" or "cuda:N".</summary>
public readonly record struct Device(DeviceType type, int index = -1)
{
    public static readonly Device CPU = new(DeviceType.CPU);

    /// <summary>Parses "cpu", "cuda" (device 0) or "cuda:N".</summary>
    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().ToLowerInvariant().Split(':');
        var type = parts[0] switch
        {
            "cpu" => DeviceType.CPU,
            "cuda" => DeviceType.CUDA,
            _ => throw new ArgumentException($"unknown device '{text}': expected cpu, cuda or cuda:N", nameof(text)),
        };
        if (parts.Length == 1)
        {
            return type == DeviceType.CUDA ? new Device(type, 0) : CPU;
        }

        if (parts.Length != 2 || !int.TryParse(parts[1], out var index) || index < 0 || type == DeviceType.CPU)
        {
            throw new ArgumentException($"malformed device '{text}': expected cpu, cuda or cuda:N", nameof(text));
        }

        return new Device(type, index);
    }

    public override string ToString() => type == DeviceType.CPU ? "cpu" : index < 0 ? "cuda" : $"cuda:{index}";

    internal int NativeIndex => type == DeviceType.CUDA && index < 0 ? 0 : index;
}
