using Pipeline.Model.Torch;

namespace Pipeline.Model.Checkpoints;

/// <summary>Loads a safetensors file into existing parameters in place (checkpoint restore).</summary>
public static class SafetensorsLoad
{
    /// <summary>Copies each named tensor of the file into <paramref name="named"/>, checking names and shapes.</summary>
    public static void Into(string path, IReadOnlyList<(string Name, Tensor Tensor)> named)
    {
        using var reader = new SafetensorsReader(path);
        using var noGrad = torch.no_grad();
        foreach (var (name, tensor) in named)
        {
            if (!reader.Contains(name))
            {
                throw new InvalidDataException($"{path}: no tensor named '{name}'.");
            }

            using var source = reader.Read(name);
            if (!source.shape.SequenceEqual(tensor.shape))
            {
                throw new InvalidDataException($"{path}: '{name}' has shape [{string.Join(", ", source.shape)}], the model [{string.Join(", ", tensor.shape)}].");
            }

            tensor.copy_(source);
        }
    }
}
