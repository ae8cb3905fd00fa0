using System.Text.Json;

namespace Pipeline.Model.Tokenizers;

/// <summary>Reads tokenizer.json. Anything it does not implement is refused with the JSON path of
/// the part, never silently ignored, because a tokenizer that differs from the one a checkpoint
/// was trained with corrupts every rollout.</summary>
internal sealed class HfTokenizerLoader
{
    private readonly string _source;

    private HfTokenizerLoader(string source) => _source = source;

    public static HfTokenizer Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Tokenizer file not found: {path}", path);
        return Parse(File.ReadAllText(path), path);
    }

    public static HfTokenizer Parse(string json, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException($"{source}: malformed JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine}: {e.Message}", e);
        }
        using (doc)
        {
            return new HfTokenizerLoader(source).Build(doc.RootElement);
        }
    }

    private TokenizerFormatException Fail(string path, string message) => new($"{_source}: {path}: {message}");

    private HfTokenizer Build(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw Fail("$", "expected a JSON object");
        if (root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String && v.GetString() != "1.0")
            throw Fail("$.version", $"unknown tokenizer version '{v.GetString()}' (known: 1.0)");

        if (!root.TryGetProperty("model", out var modelEl) || modelEl.ValueKind != JsonValueKind.Object)
            throw Fail("$.model", "missing model");
        var model = ParseModel(modelEl, "$.model");

        var normalizer = Optional(root, "normalizer") is { } n ? ParseNormalizer(n, "$.normalizer") : null;
        var added = ParseAddedTokens(root, model);

        IPreTokenizer? pre = null;
        var mapBytes = false;
        if (Optional(root, "pre_tokenizer") is { } p)
        {
            // When byte-level mapping is the last step, the tokenizer maps bytes just before BPE so
            // that its word cache is keyed by raw text.
            mapBytes = EndsWithByteLevel(p);
            pre = ParsePreTokenizer(p, "$.pre_tokenizer", deferLastByteLevel: mapBytes);
        }
        var post = Optional(root, "post_processor") is { } pp ? ParsePostProcessor(pp, "$.post_processor", model, added) : null;
        var decoder = Optional(root, "decoder") is { } d ? ParseDecoder(d, "$.decoder") : null;
        return new HfTokenizer(model, added, normalizer, pre, mapBytes, post, decoder);
    }

    private static JsonElement? Optional(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null ? e : null;

    private string Type(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Fail(path, $"expected an object, found {e.ValueKind}");
        if (!e.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String) throw Fail(path + ".type", "missing type");
        return t.GetString()!;
    }

    private string Str(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var e) || e.ValueKind != JsonValueKind.String) throw Fail($"{path}.{name}", "expected a string");
        return e.GetString()!;
    }

    private static string? OptStr(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    private bool Bool(JsonElement obj, string name, string path, bool fallback)
    {
        if (!obj.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return fallback;
        return e.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Fail($"{path}.{name}", "expected true or false"),
        };
    }

    private int Int(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var e) || !e.TryGetInt32(out var i)) throw Fail($"{path}.{name}", "expected an integer");
        return i;
    }

    private char Char(JsonElement obj, string name, string path)
    {
        var s = Str(obj, name, path);
        if (s.Length != 1) throw Fail($"{path}.{name}", $"expected a single character, found '{s}'");
        return s[0];
    }

    private BpeModel ParseModel(JsonElement m, string path)
    {
        var type = OptStr(m, "type") ?? (m.TryGetProperty("merges", out _) ? "BPE" : "(none)");
        if (type != "BPE")
            throw Fail(path + ".type", $"model type '{type}' is not supported (supported: BPE)");
        if (m.TryGetProperty("dropout", out var dropout) && dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() > 0)
            throw Fail(path + ".dropout", "BPE dropout is not supported at encoding time");
        if (!m.TryGetProperty("vocab", out var vocabEl) || vocabEl.ValueKind != JsonValueKind.Object)
            throw Fail(path + ".vocab", "expected an object of token to id");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var prop in vocabEl.EnumerateObject())
        {
            if (!prop.Value.TryGetInt32(out var id)) throw Fail($"{path}.vocab[\"{prop.Name}\"]", "expected an integer id");
            vocab[prop.Name] = id;
        }
        if (!m.TryGetProperty("merges", out var mergesEl) || mergesEl.ValueKind != JsonValueKind.Array)
            throw Fail(path + ".merges", "expected an array");
        var merges = new List<(string, string)>(mergesEl.GetArrayLength());
        var rank = 0;
        foreach (var item in mergesEl.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                var line = item.GetString()!;
                if (line.StartsWith("#version", StringComparison.Ordinal)) continue;
                var parts = line.Split(' ');
                if (parts.Length != 2) throw Fail($"{path}.merges[{rank}]", $"expected two tokens separated by one space, found '{line}'");
                merges.Add((parts[0], parts[1]));
            }
            else if (item.ValueKind == JsonValueKind.Array && item.GetArrayLength() == 2
                     && item[0].ValueKind == JsonValueKind.String && item[1].ValueKind == JsonValueKind.String)
            {
                merges.Add((item[0].GetString()!, item[1].GetString()!));
            }
            else throw Fail($"{path}.merges[{rank}]", "expected \"a b\" or [\"a\", \"b\"]");
            rank++;
        }
        return new BpeModel(vocab, merges, OptStr(m, "unk_token"), OptStr(m, "continuing_subword_prefix"),
            OptStr(m, "end_of_word_suffix"), Bool(m, "fuse_unk", path, false), Bool(m, "byte_fallback", path, false),
            Bool(m, "ignore_merges", path, false), msg => Fail(path + ".merges", msg));
    }

    /// <summary>Ids as Hugging Face assigns them on load: the model's id when the content is in the
    /// vocab, else the next id after the model's vocabulary and the added tokens so far.</summary>
    private List<AddedToken> ParseAddedTokens(JsonElement root, BpeModel model)
    {
        var result = new List<AddedToken>();
        if (Optional(root, "added_tokens") is not { } arr) return result;
        if (arr.ValueKind != JsonValueKind.Array) throw Fail("$.added_tokens", "expected an array");
        var byContent = new Dictionary<string, int>(StringComparer.Ordinal);
        var i = 0;
        var nextId = model.VocabCount;
        foreach (var t in arr.EnumerateArray())
        {
            var path = $"$.added_tokens[{i++}]";
            var content = Str(t, "content", path);
            var special = Bool(t, "special", path, false);
            var token = new AddedToken(content, 0, special, Bool(t, "single_word", path, false), Bool(t, "lstrip", path, false),
                Bool(t, "rstrip", path, false), Bool(t, "normalized", path, !special));
            if (content.Length == 0) continue;
            int id;
            if (byContent.TryGetValue(content, out var existing)) id = existing;
            else if (model.TryGetId(content, out var modelId)) id = modelId;
            else id = nextId++;
            byContent[content] = id;
            result.RemoveAll(r => r.Content == content);
            result.Add(token with { Id = id });
        }
        return result;
    }

    private INormalizer ParseNormalizer(JsonElement e, string path)
    {
        var type = Type(e, path);
        switch (type)
        {
            case "Sequence":
                if (!e.TryGetProperty("normalizers", out var list) || list.ValueKind != JsonValueKind.Array)
                    throw Fail(path + ".normalizers", "expected an array");
                return new SequenceNormalizer(list.EnumerateArray().Select((x, k) => ParseNormalizer(x, $"{path}.normalizers[{k}]")).ToList());
            case "Prepend":
                return new PrependNormalizer(Str(e, "prepend", path));
            case "Replace":
            {
                var (literal, regex) = Pattern(e, path);
                return new ReplaceNormalizer(literal, regex, Str(e, "content", path));
            }
            case "Lowercase":
                return new LowercaseNormalizer();
            case "Strip":
                return new StripNormalizer(Bool(e, "strip_left", path, false), Bool(e, "strip_right", path, false));
            case "ByteLevel":
                return new ByteLevelNormalizer();
            case "NFC" or "NFD" or "NFKC" or "NFKD":
                if (UnicodeNormalization.IsAvailable) return new UnicodeNormalizer(type);
                throw Fail(path + ".type", $"normalizer '{type}' is not supported: this process runs with invariant globalization, which has no Unicode normalization data");
            default:
                throw Fail(path + ".type", $"normalizer type '{type}' is not supported (supported: Sequence, Prepend, Replace, Lowercase, Strip, ByteLevel, NFC, NFD, NFKC, NFKD)");
        }
    }

    private (string? Literal, string? Regex) Pattern(JsonElement e, string path)
    {
        if (!e.TryGetProperty("pattern", out var p) || p.ValueKind != JsonValueKind.Object) throw Fail(path + ".pattern", "expected {\"String\": ...} or {\"Regex\": ...}");
        if (OptStr(p, "String") is { } s) return (s, null);
        if (OptStr(p, "Regex") is { } r) return (null, r);
        throw Fail(path + ".pattern", "expected {\"String\": ...} or {\"Regex\": ...}");
    }

    private bool EndsWithByteLevel(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object) return false;
        var type = OptStr(e, "type");
        if (type == "ByteLevel") return true;
        if (type == "Sequence" && e.TryGetProperty("pretokenizers", out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0)
            return EndsWithByteLevel(list[list.GetArrayLength() - 1]);
        return false;
    }

    private IPreTokenizer ParsePreTokenizer(JsonElement e, string path, bool deferLastByteLevel)
    {
        var type = Type(e, path);
        switch (type)
        {
            case "Sequence":
            {
                if (!e.TryGetProperty("pretokenizers", out var list) || list.ValueKind != JsonValueKind.Array)
                    throw Fail(path + ".pretokenizers", "expected an array");
                var n = list.GetArrayLength();
                var steps = new List<IPreTokenizer>();
                for (var k = 0; k < n; k++)
                    steps.Add(ParsePreTokenizer(list[k], $"{path}.pretokenizers[{k}]", deferLastByteLevel && k == n - 1));
                return new SequencePreTokenizer(steps);
            }
            case "ByteLevel":
                return new ByteLevelPreTokenizer(Bool(e, "add_prefix_space", path, true), Bool(e, "use_regex", path, true), mapBytes: !deferLastByteLevel);
            case "Split":
            {
                var (literal, regex) = Pattern(e, path);
                ISplitMatcher matcher;
                if (literal is not null) matcher = new LiteralSplitMatcher(literal);
                else
                {
                    try
                    {
                        matcher = PretokenizerPatterns.For(regex!);
                    }
                    catch (ArgumentException ex)
                    {
                        throw Fail(path + ".pattern.Regex", $"regex not supported by .NET: {ex.Message}");
                    }
                }
                var behavior = SplitBehaviorRules.Parse(Str(e, "behavior", path), msg => Fail(path + ".behavior", msg));
                return new SplitPreTokenizer(matcher, behavior, Bool(e, "invert", path, false));
            }
            case "Metaspace":
                return new MetaspacePreTokenizer(Char(e, "replacement", path), PrependScheme(e, path), Bool(e, "split", path, true));
            case "Digits":
                return new DigitsPreTokenizer(Bool(e, "individual_digits", path, false));
            case "WhitespaceSplit":
                return new WhitespaceSplitPreTokenizer();
            default:
                throw Fail(path + ".type", $"pre-tokenizer type '{type}' is not supported (supported: Sequence, ByteLevel, Split, Metaspace, Digits, WhitespaceSplit)");
        }
    }

    private MetaspacePrependScheme PrependScheme(JsonElement e, string path)
    {
        var scheme = OptStr(e, "prepend_scheme") switch
        {
            null or "always" => MetaspacePrependScheme.Always,
            "first" => MetaspacePrependScheme.First,
            "never" => MetaspacePrependScheme.Never,
            var other => throw Fail(path + ".prepend_scheme", $"unknown prepend_scheme '{other}' (known: always, first, never)"),
        };
        if (e.TryGetProperty("add_prefix_space", out var aps) && aps.ValueKind == JsonValueKind.False)
        {
            if (scheme != MetaspacePrependScheme.Never && e.TryGetProperty("prepend_scheme", out _))
                throw Fail(path + ".add_prefix_space", "add_prefix_space does not match declared prepend_scheme");
            scheme = MetaspacePrependScheme.Never;
        }
        return scheme;
    }

    private IPostProcessor ParsePostProcessor(JsonElement e, string path, BpeModel model, List<AddedToken> added)
    {
        var type = Type(e, path);
        switch (type)
        {
            case "Sequence":
                if (!e.TryGetProperty("processors", out var list) || list.ValueKind != JsonValueKind.Array)
                    throw Fail(path + ".processors", "expected an array");
                return new SequencePostProcessor(list.EnumerateArray().Select((x, k) => ParsePostProcessor(x, $"{path}.processors[{k}]", model, added)).ToList());
            case "ByteLevel":
                return new PassThroughPostProcessor();
            case "TemplateProcessing":
                return ParseTemplate(e, path);
            case "RobertaProcessing" or "BertProcessing":
            {
                var cls = IdOfPair(e, "cls", path);
                var sep = IdOfPair(e, "sep", path);
                return new TemplatePostProcessor([cls], [sep]);
            }
            default:
                throw Fail(path + ".type", $"post-processor type '{type}' is not supported (supported: Sequence, ByteLevel, TemplateProcessing, RobertaProcessing, BertProcessing)");
        }
    }

    private int IdOfPair(JsonElement e, string name, string path)
    {
        if (!e.TryGetProperty(name, out var p) || p.ValueKind != JsonValueKind.Array || p.GetArrayLength() != 2 || !p[1].TryGetInt32(out var id))
            throw Fail($"{path}.{name}", "expected [\"token\", id]");
        return id;
    }

    private IPostProcessor ParseTemplate(JsonElement e, string path)
    {
        if (!e.TryGetProperty("single", out var single) || single.ValueKind != JsonValueKind.Array)
            throw Fail(path + ".single", "expected an array of template pieces");
        var specials = new Dictionary<string, int[]>(StringComparer.Ordinal);
        if (e.TryGetProperty("special_tokens", out var table) && table.ValueKind == JsonValueKind.Object)
        {
            foreach (var prop in table.EnumerateObject())
            {
                var p = $"{path}.special_tokens[\"{prop.Name}\"]";
                if (!prop.Value.TryGetProperty("ids", out var ids) || ids.ValueKind != JsonValueKind.Array)
                    throw Fail(p + ".ids", "expected an array of ids");
                specials[prop.Name] = ids.EnumerateArray().Select(x => x.TryGetInt32(out var i) ? i : throw Fail(p + ".ids", "expected integers")).ToArray();
            }
        }
        var before = new List<int>();
        var after = new List<int>();
        var seenSequence = false;
        var k = 0;
        foreach (var piece in single.EnumerateArray())
        {
            var p = $"{path}.single[{k++}]";
            if (piece.TryGetProperty("Sequence", out var seq))
            {
                var id = OptStr(seq, "id");
                if (id != "A") throw Fail(p + ".Sequence.id", $"a single-sequence template can only hold $A, found '{id}'");
                if (seenSequence) throw Fail(p, "the template repeats $A");
                seenSequence = true;
            }
            else if (piece.TryGetProperty("SpecialToken", out var sp))
            {
                var id = Str(sp, "id", p + ".SpecialToken");
                if (!specials.TryGetValue(id, out var ids)) throw Fail(p + ".SpecialToken.id", $"'{id}' is not in special_tokens");
                (seenSequence ? after : before).AddRange(ids);
            }
            else throw Fail(p, "expected {\"Sequence\": ...} or {\"SpecialToken\": ...}");
        }
        if (!seenSequence) throw Fail(path + ".single", "the template has no $A");
        return new TemplatePostProcessor(before, after);
    }

    private IDecoder ParseDecoder(JsonElement e, string path)
    {
        var type = Type(e, path);
        switch (type)
        {
            case "Sequence":
                if (!e.TryGetProperty("decoders", out var list) || list.ValueKind != JsonValueKind.Array)
                    throw Fail(path + ".decoders", "expected an array");
                return new SequenceDecoder(list.EnumerateArray().Select((x, k) => ParseDecoder(x, $"{path}.decoders[{k}]")).ToList());
            case "ByteLevel":
                return new ByteLevelDecoder();
            case "ByteFallback":
                return new ByteFallbackDecoder();
            case "Fuse":
                return new FuseDecoder();
            case "Strip":
                return new StripDecoder(Str(e, "content", path), Int(e, "start", path), Int(e, "stop", path));
            case "Replace":
            {
                var (literal, regex) = Pattern(e, path);
                return new ReplaceDecoder(literal, regex, Str(e, "content", path));
            }
            case "Metaspace":
                return new MetaspaceDecoder(Char(e, "replacement", path), PrependScheme(e, path) != MetaspacePrependScheme.Never);
            default:
                throw Fail(path + ".type", $"decoder type '{type}' is not supported (supported: Sequence, ByteLevel, ByteFallback, Fuse, Strip, Replace, Metaspace)");
        }
    }
}
