using System.Text;

namespace Pipeline.Model.Tokenizers;

/// <summary>NFC/NFD/NFKC/NFKD through the runtime. Under invariant globalization (this repository's
/// default) .NET has no normalization data and returns text unchanged, so the loader refuses these
/// normalizers rather than tokenizing differently from Hugging Face.</summary>
internal static class UnicodeNormalization
{
    public static readonly bool IsAvailable = "e\u0301".Normalize(NormalizationForm.FormC) == "\u00E9";
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

    public string Normalize(string text, ref bool atOrigin) => text.Normalize(_form);
}
