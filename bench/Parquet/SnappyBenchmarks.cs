using BenchmarkDotNet.Attributes;
using Pipeline.Data.Parquet.Compression;

namespace Pipeline.Bench.Parquet;

/// <summary>Our Snappy on 1 MiB of token ids (a typical page), against a plain copy as the floor.</summary>
[MemoryDiagnoser]
public class SnappyBenchmarks
{
    private byte[] _input = [];
    private byte[] _compressed = [];
    private byte[] _output = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        var tokens = new int[1 << 18];
        // Token ids from a 50k vocabulary with some repetition, like completion text.
        for (int i = 0; i < tokens.Length; i++) tokens[i] = i % 16 < 4 && i > 64 ? tokens[i - 64] : rng.Next(50_000);
        _input = new byte[tokens.Length * 4];
        Buffer.BlockCopy(tokens, 0, _input, 0, _input.Length);
        _compressed = Snappy.Compress(_input);
        _output = new byte[Snappy.MaxCompressedLength(_input.Length)];
    }

    [Benchmark(Baseline = true)]
    public int Copy()
    {
        _input.AsSpan().CopyTo(_output);
        return _output[17];
    }

    [Benchmark]
    public int Compress() => Snappy.Compress(_input, _output);

    [Benchmark]
    public int Decompress()
    {
        Snappy.Decompress(_compressed, _output.AsSpan(0, _input.Length));
        return _output[17];
    }
}
