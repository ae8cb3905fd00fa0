using Pipeline.Model.Tokenizers;

namespace Pipeline.Tests.Model.Tokenizers;

public class HfTokenizerLoaderTests
{
    // A tiny byte-level BPE: "hello" merges to one token, "world" stays in parts.
    internal const string Tiny = """
    {
      "version": "1.0",
      "added_tokens": [
        {"id": 9, "content": "<|end|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}
      ],
      "normalizer": null,
      "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
      "post_processor": {"type": "TemplateProcessing", "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "<|end|>", "type_id": 0}}],
        "special_tokens": {"<|end|>": {"id": "<|end|>", "ids": [9], "tokens": ["<|end|>"]}}},
      "decoder": {"type": "ByteLevel"},
      "model": {"type": "BPE", "vocab": {"h": 0, "e": 1, "l": 2, "o": 3, "he": 4, "ll": 5, "hell": 6, "hello": 7, "Ġ": 8},
        "merges": ["h e", "l l", "he ll", ["hell", "o"]]}
    }
    """;

    private static string With(string from, string to)
    {
        Assert.Contains(from, Tiny);
        return Tiny.Replace(from, to);
    }

    [Fact]
    public void Tiny_tokenizer_merges_by_rank_and_adds_the_template_tokens()
    {
        var t = HfTokenizer.FromJson(Tiny);
        // " he" is its own word: Ġ h e, and only "h e" merges.
        Assert.Equal([7, 8, 4, 9], t.Encode("hello he"));
        Assert.Equal([6, 9, 9], t.Encode("hell<|end|>"));
        Assert.Equal([4, 2, 3], t.Encode("helo", addSpecialTokens: false));
        Assert.Equal(10, t.VocabSize);
        Assert.Equal(9, t.EosId);
        Assert.Equal("hello he<|end|>", t.Decode(t.Encode("hello he")));
        Assert.Equal("hello he", t.Decode(t.Encode("hello he"), skipSpecialTokens: true));
    }

    [Theory]
    [InlineData("\"type\": \"BPE\"", "\"type\": \"WordPiece\"", "$.model.type", "WordPiece")]
    [InlineData("\"type\": \"BPE\"", "\"type\": \"Unigram\"", "$.model.type", "Unigram")]
    [InlineData("{\"type\": \"ByteLevel\", \"add_prefix_space\"", "{\"type\": \"BertPreTokenizer\", \"add_prefix_space\"", "$.pre_tokenizer.type", "BertPreTokenizer")]
    [InlineData("\"normalizer\": null", "\"normalizer\": {\"type\": \"Precompiled\"}", "$.normalizer.type", "Precompiled")]
    [InlineData("\"normalizer\": null", "\"normalizer\": {\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"Lowercase\"}, {\"type\": \"Nmt\"}]}", "$.normalizer.normalizers[1].type", "Nmt")]
    [InlineData("\"decoder\": {\"type\": \"ByteLevel\"}", "\"decoder\": {\"type\": \"CTC\"}", "$.decoder.type", "CTC")]
    [InlineData("\"post_processor\": {\"type\": \"TemplateProcessing\"", "\"post_processor\": {\"type\": \"Mystery\"", "$.post_processor.type", "Mystery")]
    [InlineData("[\"hell\", \"o\"]", "[\"hell\", \"x\"]", "$.model.merges", "'x' is not in the vocab")]
    [InlineData("\"he ll\"", "\"he  ll\"", "$.model.merges[2]", "two tokens")]
    [InlineData("\"version\": \"1.0\"", "\"version\": \"2.0\"", "$.version", "2.0")]
    [InlineData("\"merges\":", "\"mergers\":", "$.model.merges", "expected an array")]
    public void Unsupported_or_malformed_parts_are_named(string from, string to, string path, string detail)
    {
        var e = Assert.Throws<TokenizerFormatException>(() => HfTokenizer.FromJson(With(from, to), "my/tokenizer.json"));
        Assert.StartsWith("my/tokenizer.json: " + path + ":", e.Message);
        Assert.Contains(detail, e.Message);
    }

    [Fact]
    public void Malformed_json_names_the_file_and_line()
    {
        var e = Assert.Throws<TokenizerFormatException>(() => HfTokenizer.FromJson("{\n \"model\": [1, 2,,]\n}", "bad.json"));
        Assert.StartsWith("bad.json: malformed JSON at line 2", e.Message);
    }

    [Fact]
    public void Nfc_normalizer_composes_before_bpe()
    {
        var json = With("\"normalizer\": null", "\"normalizer\": {\"type\": \"NFC\"}");
        var t = HfTokenizer.FromJson(json);
        Assert.Equal(t.Encode("h\u00E9"), t.Encode("he\u0301"));
    }

    [Theory]
    [InlineData("bytelevel-gpt2")]
    [InlineData("bytefallback-llama2")]
    public void Benchmark_fixtures_load_and_round_trip(string name)
    {
        var path = Pipeline.Tests.TestSupport.RepoRoot.Path("tests", "fixtures", "tokenizers", name + ".tokenizer.json");
        var t = HfTokenizer.Load(path);
        Assert.True(t.VocabSize > 12_000);
        const string text = "The policy's reward: 42 \u65E5\u672C \U0001F600";
        Assert.Equal(text, t.Decode(t.Encode(text, addSpecialTokens: false)));
    }

    [Fact]
    public void Encoding_from_many_threads_gives_the_sequential_ids()
    {
        var path = Pipeline.Tests.TestSupport.RepoRoot.Path("tests", "fixtures", "tokenizers", "bytelevel-gpt2.tokenizer.json");
        var lines = TokenizerCorpus.Generate(3000, seed: 99);
        var sequential = HfTokenizer.Load(path);
        var expected = lines.Select(l => sequential.Encode(l)).ToArray();
        var shared = HfTokenizer.Load(path);
        var actual = new int[lines.Count][];
        Parallel.For(0, lines.Count * 4, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var k = i % lines.Count;
            var ids = shared.Encode(lines[k]);
            lock (actual) actual[k] = ids;
        });
        for (var i = 0; i < lines.Count; i++) Assert.Equal(expected[i], actual[i]);
    }

    [Fact]
    public void A_checkpoint_folder_loads_its_tokenizer_json()
    {
        var dir = Directory.CreateTempSubdirectory("pipeline-tok-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "tokenizer.json"), Tiny);
            Assert.Equal([7, 9], HfTokenizer.Load(dir.FullName).Encode("hello"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Missing_file_names_the_path()
    {
        var e = Assert.Throws<FileNotFoundException>(() => HfTokenizer.Load("/nonexistent/tokenizer.json"));
        Assert.Contains("/nonexistent/tokenizer.json", e.Message);
    }

    [Fact]
    public void Byte_level_alphabet_is_a_bijection_on_bytes()
    {
        var chars = Enumerable.Range(0, 256).Select(b => ByteLevelAlphabet.ByteToChar((byte)b)).ToList();
        Assert.Equal(256, chars.Distinct().Count());
        Assert.Equal('Ġ', ByteLevelAlphabet.ByteToChar((byte)' '));
        Assert.Equal('Ċ', ByteLevelAlphabet.ByteToChar((byte)'\n'));
        for (var b = 0; b < 256; b++) Assert.Equal(b, ByteLevelAlphabet.CharToByte(chars[b]));
        Assert.Equal(-1, ByteLevelAlphabet.CharToByte('中'));
    }
}
