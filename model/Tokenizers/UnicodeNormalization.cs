using System.Globalization;
using System.Text;

namespace Pipeline.Model.Tokenizers;

/// <summary>NFC, NFD, NFKC and NFKD (UAX #15) from generated tables. This repository runs with
/// invariant globalization, where .NET has no normalization data and <c>string.Normalize</c>
/// returns its input unchanged; Qwen2's tokenizer.json declares NFC, so the tokenizer needs its own.</summary>
public static class UnicodeNormalization
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly Lazy<Tables> Data = new(() => new Tables());

    public static string Normalize(string text, NormalizationForm form)
    {
        var compatibility = form is NormalizationForm.FormKC or NormalizationForm.FormKD;
        var compose = form is NormalizationForm.FormC or NormalizationForm.FormKC;
        // Below these code points every form leaves text unchanged.
        var stable = form switch
        {
            NormalizationForm.FormC => 0x300,
            NormalizationForm.FormD => 0xC0,
            _ => 0xA0,
        };
        var allStable = true;
        foreach (var c in text)
        {
            if (c >= stable)
            {
                allStable = false;
                break;
            }
        }
        if (allStable) return text;

        var tables = Data.Value;
        var cps = new List<int>(text.Length + 8);
        foreach (var rune in text.EnumerateRunes()) Decompose(rune.Value, compatibility, tables, cps);
        SortCombiningMarks(cps, tables);
        if (compose) Compose(cps, tables);
        var sb = new StringBuilder(cps.Count);
        foreach (var cp in cps) sb.Append(char.ConvertFromUtf32(cp));
        return sb.ToString();
    }

    private static void Decompose(int cp, bool compatibility, Tables tables, List<int> output)
    {
        if (cp >= SBase && cp < SBase + SCount)
        {
            var s = cp - SBase;
            output.Add(LBase + s / NCount);
            output.Add(VBase + s % NCount / TCount);
            if (s % TCount != 0) output.Add(TBase + s % TCount);
            return;
        }
        if (compatibility && tables.Compatibility.TryGetValue(cp, out var k)) output.AddRange(k);
        else if (tables.Canonical.TryGetValue(cp, out var d)) output.AddRange(d);
        else output.Add(cp);
    }

    // Canonical ordering: a stable sort of every run of non-starters by combining class.
    private static void SortCombiningMarks(List<int> cps, Tables tables)
    {
        for (var i = 1; i < cps.Count; i++)
        {
            var cc = tables.Class(cps[i]);
            if (cc == 0) continue;
            var j = i;
            while (j > 0 && tables.Class(cps[j - 1]) > cc)
            {
                (cps[j - 1], cps[j]) = (cps[j], cps[j - 1]);
                j--;
            }
        }
    }

    private static void Compose(List<int> cps, Tables tables)
    {
        var result = new List<int>(cps.Count);
        var starter = -1;
        var lastClass = 0;
        foreach (var cp in cps)
        {
            var cc = tables.Class(cp);
            if (starter >= 0)
            {
                var adjacent = result.Count - 1 == starter;
                var blocked = !adjacent && (lastClass == 0 || lastClass >= cc);
                if (!blocked && TryCompose(result[starter], cp, tables, out var composite))
                {
                    result[starter] = composite;
                    continue;
                }
            }
            if (cc == 0) starter = result.Count;
            result.Add(cp);
            lastClass = cc;
        }
        cps.Clear();
        cps.AddRange(result);
    }

    private static bool TryCompose(int a, int b, Tables tables, out int composite)
    {
        if (a >= LBase && a < LBase + LCount && b >= VBase && b < VBase + VCount)
        {
            composite = SBase + ((a - LBase) * VCount + (b - VBase)) * TCount;
            return true;
        }
        if (a >= SBase && a < SBase + SCount && (a - SBase) % TCount == 0 && b > TBase && b < TBase + TCount)
        {
            composite = a + (b - TBase);
            return true;
        }
        return tables.Compositions.TryGetValue(((long)a << 32) | (uint)b, out composite);
    }

    private sealed class Tables
    {
        public readonly Dictionary<int, int[]> Canonical = Mappings(UnicodeNormalizationData.Canonical);
        public readonly Dictionary<int, int[]> Compatibility = Mappings(UnicodeNormalizationData.Compatibility);
        public readonly Dictionary<long, int> Compositions = new();
        private readonly Dictionary<int, byte> _classes = new();

        public Tables()
        {
            foreach (var row in UnicodeNormalizationData.CombiningClasses.Split(';'))
            {
                var (cp, cc) = Split(row);
                _classes[Hex(cp)] = byte.Parse(cc, CultureInfo.InvariantCulture);
            }
            foreach (var row in UnicodeNormalizationData.Compositions.Split(';'))
            {
                var (pair, composite) = Split(row);
                var parts = pair.Split(' ');
                Compositions[((long)Hex(parts[0]) << 32) | (uint)Hex(parts[1])] = Hex(composite);
            }
        }

        public int Class(int cp) => cp < 0x300 ? 0 : _classes.TryGetValue(cp, out var c) ? c : 0;

        private static Dictionary<int, int[]> Mappings(string data)
        {
            var map = new Dictionary<int, int[]>();
            foreach (var row in data.Split(';'))
            {
                var (cp, seq) = Split(row);
                map[Hex(cp)] = seq.Split(' ').Select(Hex).ToArray();
            }
            return map;
        }

        private static (string, string) Split(string row)
        {
            var k = row.IndexOf(':', StringComparison.Ordinal);
            return (row[..k], row[(k + 1)..]);
        }

        private static int Hex(string s) => int.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}

internal sealed class UnicodeNormalizer(string form) : INormalizer
{
    private readonly NormalizationForm _form = form switch
    {
        "NFC" => NormalizationForm.FormC,
        "NFD" => NormalizationForm.FormD,
        "NFKC" => NormalizationForm.FormKC,
        _ => NormalizationForm.FormKD,
    };

    public string Normalize(string text, ref bool atOrigin) => UnicodeNormalization.Normalize(text, _form);
}
