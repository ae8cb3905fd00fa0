using Pipeline.Model.Torch;

namespace Pipeline.Tests.Model.Torch;

/// <summary>Tests that read process-wide state (live tensor count, resident memory, the global generator) run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTorchCollection
{
    public const string Name = "torch-serial";
}

internal static class TorchAssert
{
    /// <summary>Checks shape and every value (as float) within tol.</summary>
    public static void Values(Tensor t, long[] shape, float[] expected, float tol = 1e-5f)
    {
        Assert.Equal(shape, t.shape);
        var actual = t.ToSingleArray();
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var ok = float.IsNaN(expected[i]) ? float.IsNaN(actual[i])
                : float.IsInfinity(expected[i]) ? expected[i] == actual[i]
                : Math.Abs(expected[i] - actual[i]) <= tol * Math.Max(1, Math.Abs(expected[i]));
            Assert.True(ok, $"element {i}: expected {expected[i]}, got {actual[i]} (all: [{string.Join(", ", actual)}])");
        }
    }

    public static void Longs(Tensor t, long[] shape, long[] expected)
    {
        Assert.Equal(shape, t.shape);
        Assert.Equal(ScalarType.Int64, t.dtype);
        Assert.Equal(expected, t.data<long>());
    }

    public static void Bools(Tensor t, long[] shape, bool[] expected)
    {
        Assert.Equal(shape, t.shape);
        Assert.Equal(ScalarType.Bool, t.dtype);
        Assert.Equal(expected, t.data<bool>());
    }

    public static Tensor F(float[] data, params long[] shape) => torch.tensor(data, shape.Length == 0 ? null : shape);

    public static Tensor D(double[] data, params long[] shape) => torch.tensor(data, shape.Length == 0 ? null : shape);

    public static Tensor L(long[] data, params long[] shape) => torch.tensor(data, shape.Length == 0 ? null : shape);
}
