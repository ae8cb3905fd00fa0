using System.Text;
using Pipeline.Model.Checkpoints;
using Pipeline.Model.Torch;

namespace Pipeline.Tests.Model.Checkpoints;

public sealed class SafetensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safetensors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void WriteThenReadIsBitExactForEveryFloatType()
    {
        using var scope = torch.NewDisposeScope();
        var f32 = torch.randn([3, 5], generator: new Generator(1));
        var bf16 = torch.randn([4, 2], generator: new Generator(2)).to(ScalarType.BFloat16);
        var f16 = torch.randn([7], generator: new Generator(3)).to(ScalarType.Float16);
        var i64 = torch.tensor(new long[] { -1, 0, long.MaxValue });
        var empty = torch.zeros([0, 4]);
        var path = Path.Combine(_dir, "t.safetensors");
        SafetensorsWriter.Write(path, [("a.f32", f32), ("b.bf16", bf16), ("c.f16", f16), ("d.i64", i64), ("e.empty", empty)],
            new Dictionary<string, string> { ["format"] = "pt" });

        using var r = new SafetensorsReader(path);
        Assert.Equal("pt", r.Metadata["format"]);
        Assert.Equal(["a.f32", "b.bf16", "c.f16", "d.i64", "e.empty"], r.Names.Order());
        Assert.Equal(f32.data<float>(), r.Read("a.f32").data<float>());
        Assert.Equal(ScalarType.BFloat16, r.Entry("b.bf16").DType);
        Assert.Equal(bf16.data<ushort>(), r.Read("b.bf16").data<ushort>());
        Assert.Equal(f16.data<Half>(), r.Read("c.f16").data<Half>());
        Assert.Equal(i64.data<long>(), r.Read("d.i64").data<long>());
        Assert.Equal([0L, 4L], r.Read("e.empty").shape);
        // The data section starts 8-aligned, as the reference writer pads the header.
        Assert.Equal(0, BitConverter.ToInt64(File.ReadAllBytes(path), 0) % 8);
    }

    [Fact]
    public void ReadsTheLayoutByteForByte()
    {
        // Hand-assembled file: one F32 [2] tensor holding 1.5 and -2.
        var header = """{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";
        var bytes = new List<byte>();
        bytes.AddRange(BitConverter.GetBytes((long)header.Length));
        bytes.AddRange(Encoding.UTF8.GetBytes(header));
        bytes.AddRange(BitConverter.GetBytes(1.5f));
        bytes.AddRange(BitConverter.GetBytes(-2f));
        var path = Path.Combine(_dir, "hand.safetensors");
        File.WriteAllBytes(path, [.. bytes]);
        using var r = new SafetensorsReader(path);
        using var scope = torch.NewDisposeScope();
        Assert.Equal([1.5f, -2f], r.Read("x").data<float>());
    }

    [Theory]
    [InlineData("""{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", "needs 12 bytes")]
    [InlineData("""{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}""", "outside the 8-byte data section")]
    [InlineData("""{"x":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}}""", "dtype 'Q4'")]
    [InlineData("""{"x":{"dtype":"F32","data_offsets":[0,8]}}""", "tensor 'x' needs dtype")]
    [InlineData("""{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", "overlap")]
    [InlineData("""{"x":""", "not valid JSON")]
    [InlineData("""[1,2]""", "must be a JSON object")]
    public void MalformedHeadersFailWithTheReason(string header, string expected)
    {
        var bytes = new List<byte>();
        bytes.AddRange(BitConverter.GetBytes((long)header.Length));
        bytes.AddRange(Encoding.UTF8.GetBytes(header));
        bytes.AddRange(new byte[8]);
        var path = Path.Combine(_dir, "bad.safetensors");
        File.WriteAllBytes(path, [.. bytes]);
        var e = Assert.Throws<CheckpointFormatException>(() => new SafetensorsReader(path));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void TruncatedFilesFail()
    {
        var path = Path.Combine(_dir, "short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Contains("too short", Assert.Throws<CheckpointFormatException>(() => new SafetensorsReader(path)).Message);
        File.WriteAllBytes(path, [.. BitConverter.GetBytes(1000L), .. "{}"u8.ToArray()]);
        Assert.Contains("header length 1000", Assert.Throws<CheckpointFormatException>(() => new SafetensorsReader(path)).Message);
    }

    [Fact]
    public void UnknownTensorNameFailsWithTheName()
    {
        using var scope = torch.NewDisposeScope();
        var path = Path.Combine(_dir, "one.safetensors");
        SafetensorsWriter.Write(path, [("x", torch.ones([1]))]);
        using var r = new SafetensorsReader(path);
        Assert.Contains("'nope'", Assert.Throws<CheckpointFormatException>(() => r.Read("nope")).Message);
    }
}
