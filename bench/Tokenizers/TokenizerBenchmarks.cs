using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Pipeline.Bench.Shared;
using Pipeline.Model.Tokenizers;

namespace Pipeline.Bench.Tokenizers;

/// <summary>Encoding and decoding ~10 MB of text on one thread with the tokenizer.json fixtures
/// (12k merges each). Warm: the word cache holds the corpus's words from earlier operations;
/// cold: the cache is cleared first, so every distinct word goes through BPE once.</summary>
[MemoryDiagnoser]
[Config(typeof(TokenizerConfig))]
public class TokenizerBenchmarks
{
    private static readonly Lazy<string[]> Corpus = new(() => BenchCorpus.Lines());
    private HfTokenizer _tokenizer = null!;
    private int[][] _ids = null!;

    [Params("bytelevel-gpt2", "bytefallback-llama2")]
    public string Tokenizer { get; set; } = "";

    private sealed class TokenizerConfig : ManualConfig
    {
        public TokenizerConfig() => AddColumn(new RateColumn("MB/s", "Megabytes (10^6) of UTF-8 text per second, single thread", () => BenchCorpus.Utf8Bytes(Corpus.Value), 1e6));
    }

    [GlobalSetup]
    public void Setup()
    {
        _tokenizer = HfTokenizer.Load(BenchCorpus.Fixture(Tokenizer));
        _ids = Corpus.Value.Select(l => _tokenizer.Encode(l, addSpecialTokens: false)).ToArray();
    }

    [Benchmark(Baseline = true)]
    public long EncodeCold()
    {
        _tokenizer.ClearCache();
        return EncodeAll();
    }

    [Benchmark]
    public long EncodeWarm() => EncodeAll();

    [Benchmark]
    public long Decode()
    {
        long chars = 0;
        foreach (var ids in _ids) chars += _tokenizer.Decode(ids).Length;
        return chars;
    }

    private long EncodeAll()
    {
        long count = 0;
        foreach (var line in Corpus.Value) count += _tokenizer.Encode(line, addSpecialTokens: false).Length;
        return count;
    }
}
