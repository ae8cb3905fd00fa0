using System.Text;

namespace Pipeline.Tests.Model.Tokenizers;

/// <summary>A deterministic, deliberately awkward corpus for comparing tokenizers: prose with
/// contractions, code, numbers in many scripts, CJK, RTL, combining marks, letters and emoji
/// outside the BMP (ZWJ sequences, flags, skin tones), white-space runs with tabs and newlines
/// inside lines, and special tokens glued to or inside text.</summary>
public static class TokenizerCorpus
{
    private static readonly string[] Words =
    [
        "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "reward", "policy", "gradient", "token",
        "Hello", "World", "GRPO", "advantage", "KL", "iPhone", "McDonald", "naïve", "café", "résumé", "Zürich",
        "straße", "ĲSSEL", "Ærøskøbing", "façade", "coöperate", "e\u0301clair", "n\u0303", "ǅemal",
    ];

    private static readonly string[] Contractions =
    [
        "don't", "it's", "I'M", "they'RE", "we've", "you'll", "he'd", "She'S", "isn't", "'tis", "'ſ", "'Ll", "rock'n'roll",
        "O'Neil", "''quoted''", "'", "' s", "can'T",
    ];

    private static readonly string[] Unicode =
    [
        "中文分词测试", "日本語のテキスト", "カタカナ", "ひらがな", "한국어 문장입니다", "مرحبا بالعالم", "שלום עולם",
        "Привет, мир", "Γειά σου Κόσμε", "नमस्ते दुनिया", "สวัสดีชาวโลก", "ქართული", "Հայերեն", "ትግርኛ", "ᚠᚢᚦᚨᚱᚲ",
        "𝐀𝐁𝐂𝐝𝐞𝐟", "𠀀𠀁𠀂", "𐌰𐌱𐌲", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "ﬁﬂ", "Ⅻ Ⅳ", "½ ¾ ²³", "١٢٣٤٥", "１２３４", "۱۲۳", "〇一二",
        "\u200Bzero\u200Bwidth", "a\u200Db", "x\u00ADy", "\u202Eevil\u202C", "Ω≈ç√∫", "⌘⌥⇧", "→←↑↓", "©®™",
    ];

    private static readonly string[] Emoji =
    [
        "😀", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷🇯🇵", "🏳️‍🌈", "❤️", "🧑🏿‍🚀", "🤖", "🎉🎉🎉", "☕", "✅", "🔥💯", "👩‍💻", "1️⃣", "🫠",
    ];

    private static readonly string[] Code =
    [
        "public static int Main(string[] args) { return 0; }",
        "def f(x):\n    return x ** 2  # square",
        "for (var i = 0; i < n; i++) {\n\tsum += a[i];\n}",
        "if (a != b && c >= d || !e) x->y = z::w;",
        "const obj = { \"key\": [1, 2.5, -3e10], 'k2': null };",
        "SELECT * FROM t WHERE id IN (1,2,3) ORDER BY name DESC;",
        "#include <stdio.h>\r\nint main(){printf(\"%d\\n\", 42);}",
        "x = [i*i for i in range(10) if i % 2 == 0]",
        "let s = `template ${value}`; // comment",
        "    indented_with_spaces = True",
        "\t\ttabbed\tcolumns\there",
        "λx. x + 1 ⇒ ∀y ∈ ℕ",
        "<div class=\"a\">&amp;&lt;</div>",
        "git commit -m 'fix: off-by-one' && ./run test",
        "https://example.com/path?q=1&r=two#frag",
        "user@example.org; C:\\Program Files\\app.exe",
    ];

    private static readonly string[] Specials =
    [
        "<think>", "</think>", "<answer>", "</answer>", "<|im_start|>", "<|im_end|>", "<|begin_of_text|>",
        "<|end_of_text|>", "<|endoftext|>", "<s>", "</s>", "<unk>", "[CODE]", "CODE",
    ];

    private static readonly string[] Near =
    [
        "<think", "think>", "<|im_", "< answer>", "</ think>", "<<think>>", "<answer></answer>", "<s><s>", "CODEX", "xCODE",
    ];

    private static readonly string[] Spaces =
    [
        " ", " ", " ", "", "  ", "   ", "\t", " \t ", "\n", "\r\n", "\n\n", " \n ", "\u00A0", "\u3000", "\u2003", "    ", "\t\t",
    ];

    public static List<string> Generate(int count, int seed = 20251122)
    {
        var random = new Random(seed);
        var lines = new List<string>(count + EdgeCases.Length);
        lines.AddRange(EdgeCases);
        while (lines.Count < count) lines.Add(Line(random));
        return lines;
    }

    /// <summary>Lines every tokenizer gets wrong first.</summary>
    public static readonly string[] EdgeCases =
    [
        "", " ", "  ", "\n", "\t", " \n", "a", "A B", "  leading", "trailing  ", "   \t  mixed   \n  ", "\r\n\r\n",
        "<think>", "<think></think>", " <think> ", "a<think>b", "<answer>42</answer>", "x </think> y", "CODE CODE", "aCODE b",
        "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", "don't DON'T 'S 'ſ", "123456789 1234567 3.14159",
        "😀😀😀", "👨‍👩‍👧‍👦 family", " 𝐀𝐁𝐂", "𠀀a", "😀abc", "a😀", "e\u0301", "\u00E9", "end with space ",
        " and and", "word and", "<s>hello", "hello</s>", "<unk>", "▁already▁metaspace", "tab\there", "a  b   c    d",
    ];

    private static string Line(Random r)
    {
        var sb = new StringBuilder();
        var parts = r.Next(1, 7);
        for (var p = 0; p < parts; p++)
        {
            if (p > 0 || r.Next(6) == 0) sb.Append(Pick(r, Spaces));
            switch (r.Next(12))
            {
                case 0 or 1 or 2:
                    for (var w = r.Next(1, 8); w > 0; w--) sb.Append(Pick(r, Words)).Append(r.Next(5) == 0 ? ", " : " ");
                    break;
                case 3: sb.Append(Pick(r, Contractions)); break;
                case 4: sb.Append(Pick(r, Unicode)); break;
                case 5: sb.Append(Pick(r, Emoji)); break;
                case 6: sb.Append(Pick(r, Code)); break;
                case 7: sb.Append(Number(r)); break;
                case 8: sb.Append(Pick(r, Specials)); break;
                case 9: sb.Append(Pick(r, Near)); break;
                case 10: sb.Append(RandomChars(r)); break;
                default: sb.Append(Pick(r, Words)).Append(Pick(r, Specials)).Append(Pick(r, Words)); break;
            }
        }
        if (r.Next(10) == 0) sb.Append(Pick(r, Spaces));
        return sb.ToString();
    }

    private static string Number(Random r) => r.Next(6) switch
    {
        0 => r.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        1 => (r.NextDouble() * 1000).ToString("F4", System.Globalization.CultureInfo.InvariantCulture),
        2 => $"{r.Next(1, 13):00}/{r.Next(1, 29):00}/{r.Next(1900, 2100)}",
        3 => $"-{r.Next(100)}.{r.Next(1000)}e{r.Next(-20, 20)}",
        4 => new string('9', r.Next(1, 12)),
        _ => $"+1 ({r.Next(100, 999)}) {r.Next(100, 999)}-{r.Next(1000, 9999)}",
    };

    // Code points from all over Unicode, valid scalars only (no lone surrogates).
    private static string RandomChars(Random r)
    {
        var sb = new StringBuilder();
        for (var n = r.Next(1, 10); n > 0; n--)
        {
            int cp = r.Next(5) switch
            {
                0 => r.Next(0x20, 0x7F),
                1 => r.Next(0xA0, 0x800),
                2 => r.Next(0x800, 0xD800),
                3 => r.Next(0xE000, 0xFFFE),
                _ => r.Next(0x10000, 0x20000),
            };
            var cat = System.Globalization.CharUnicodeInfo.GetUnicodeCategory(cp);
            // Unassigned code points and private use differ between Unicode versions of the two
            // libraries; they say nothing about our code.
            if (cat is System.Globalization.UnicodeCategory.OtherNotAssigned or System.Globalization.UnicodeCategory.PrivateUse) continue;
            sb.Append(char.ConvertFromUtf32(cp));
        }
        return sb.ToString();
    }

    private static string Pick(Random r, string[] items) => items[r.Next(items.Length)];
}
