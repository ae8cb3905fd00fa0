using System.Text;

namespace Pipeline.Bench.Tokenizers;

/// <summary>About 10 MB of deterministic text in lines: prose-like invented words with a long
/// tail (so the word cache misses as it would on real data), code, numbers, CJK, Cyrillic and emoji.</summary>
public static class BenchCorpus
{
    public static string[] Lines(int targetBytes = 10 * 1024 * 1024)
    {
        var random = new Random(42);
        string[] syllables = ["ba", "be", "ka", "ko", "la", "li", "ma", "mo", "na", "ne", "ra", "ri", "sa", "so", "ta", "tu", "str", "th", "ion", "ing", "ed", "er"];
        string[] common = ["the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "with", "reward", "policy", "model", "token"];
        string[] code = ["def f(x):", "    return x * 2", "for (int i = 0; i < n; i++) {", "\tsum += a[i];", "}", "const x = { \"a\": [1, 2] };"];
        string[] other = ["日本語のテキスト", "中文分词", "Привет мир", "café naïve", "😀 👍🏽", "3.14159", "don't", "I'm"];
        var lines = new List<string>();
        var bytes = 0;
        var sb = new StringBuilder();
        while (bytes < targetBytes)
        {
            sb.Clear();
            for (var w = random.Next(4, 30); w > 0; w--)
            {
                if (sb.Length > 0) sb.Append(random.Next(20) == 0 ? "  " : " ");
                var kind = random.Next(100);
                if (kind < 45) sb.Append(common[random.Next(common.Length)]);
                else if (kind < 80)
                    for (var k = random.Next(1, 5); k > 0; k--) sb.Append(syllables[random.Next(syllables.Length)]);
                else if (kind < 88) sb.Append(random.Next(100000));
                else if (kind < 94) sb.Append(code[random.Next(code.Length)]);
                else sb.Append(other[random.Next(other.Length)]);
                if (random.Next(8) == 0) sb.Append(random.Next(2) == 0 ? ',' : '.');
            }
            var line = sb.ToString();
            lines.Add(line);
            bytes += Encoding.UTF8.GetByteCount(line) + 1;
        }
        return lines.ToArray();
    }

    public static long Utf8Bytes(string[] lines) => lines.Sum(l => (long)Encoding.UTF8.GetByteCount(l) + 1);

    /// <summary>tests/fixtures/tokenizers/NAME.tokenizer.json, found by walking up from the binaries.</summary>
    public static string Fixture(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "tests", "fixtures", "tokenizers", name + ".tokenizer.json");
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"tests/fixtures/tokenizers/{name}.tokenizer.json not found above {AppContext.BaseDirectory}; regenerate it with 'node tests/oracles/tokenizers-fixture.mjs'.");
    }
}
