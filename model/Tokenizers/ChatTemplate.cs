using System.Text;
using System.Text.Json;

namespace Pipeline.Model.Tokenizers;

public sealed record ChatMessage(string Role, string Content);

/// <summary>Chat formatting from plain marker strings. Hugging Face checkpoints ship Jinja
/// templates (tokenizer_config.json "chat_template"); we cannot run Jinja, so a run states the
/// markers instead (see docs/tokenizers.md). Each role's template holds "{content}" exactly once;
/// the formatted text is <c>prefix</c>, then each message through its role's template, then
/// <c>generation_prompt</c> when a reply is to be generated.</summary>
public sealed class ChatTemplate
{
    public const string Placeholder = "{content}";

    public ChatTemplate(string system, string user, string assistant, string generationPrompt, string prefix = "", string? defaultSystem = null)
    {
        foreach (var (name, value) in new[] { ("system", system), ("user", user), ("assistant", assistant) })
        {
            var first = value.IndexOf(Placeholder, StringComparison.Ordinal);
            if (first < 0 || value.IndexOf(Placeholder, first + 1, StringComparison.Ordinal) >= 0)
                throw new ArgumentException($"The chat template's '{name}' must contain {Placeholder} exactly once: \"{value}\".");
        }
        System = system;
        User = user;
        Assistant = assistant;
        GenerationPrompt = generationPrompt;
        Prefix = prefix;
        DefaultSystem = defaultSystem;
    }

    public string System { get; }
    public string User { get; }
    public string Assistant { get; }
    public string GenerationPrompt { get; }
    public string Prefix { get; }
    public string? DefaultSystem { get; }

    /// <summary>Qwen2/Qwen2.5's ChatML markers.</summary>
    public static ChatTemplate ChatMl { get; } = new(
        "<|im_start|>system\n{content}<|im_end|>\n", "<|im_start|>user\n{content}<|im_end|>\n",
        "<|im_start|>assistant\n{content}<|im_end|>\n", "<|im_start|>assistant\n");

    /// <summary>Llama 3's header markers; the prefix is the bos token, so encode the result without
    /// adding special tokens.</summary>
    public static ChatTemplate Llama3 { get; } = new(
        "<|start_header_id|>system<|end_header_id|>\n\n{content}<|eot_id|>",
        "<|start_header_id|>user<|end_header_id|>\n\n{content}<|eot_id|>",
        "<|start_header_id|>assistant<|end_header_id|>\n\n{content}<|eot_id|>",
        "<|start_header_id|>assistant<|end_header_id|>\n\n", prefix: "<|begin_of_text|>");

    /// <summary>Plain text turns for the built-in tasks and their character tokenizers.</summary>
    public static ChatTemplate Plain { get; } = new("{content}\n", "User: {content}\n", "Assistant: {content}\n", "Assistant: ");

    public static IReadOnlyDictionary<string, ChatTemplate> Presets { get; } = new Dictionary<string, ChatTemplate>
    {
        ["chatml"] = ChatMl,
        ["llama3"] = Llama3,
        ["plain"] = Plain,
    };

    public string Format(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true)
    {
        var sb = new StringBuilder(Prefix);
        if (DefaultSystem is not null && (messages.Count == 0 || messages[0].Role != "system"))
            sb.Append(System.Replace(Placeholder, DefaultSystem, StringComparison.Ordinal));
        foreach (var m in messages)
        {
            var template = m.Role switch
            {
                "system" => System,
                "user" => User,
                "assistant" => Assistant,
                _ => throw new ArgumentException($"Unknown chat role '{m.Role}' (known: system, user, assistant)."),
            };
            var at = template.IndexOf(Placeholder, StringComparison.Ordinal);
            sb.Append(template, 0, at).Append(m.Content).Append(template, at + Placeholder.Length, template.Length - at - Placeholder.Length);
        }
        if (addGenerationPrompt) sb.Append(GenerationPrompt);
        return sb.ToString();
    }

    /// <summary>Reads the template from a run config: either a preset name ("chatml", "llama3",
    /// "plain") or an object with system, user, assistant, generation_prompt and optional prefix
    /// and default_system.</summary>
    public static ChatTemplate FromJson(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            var name = element.GetString()!;
            if (Presets.TryGetValue(name, out var preset)) return preset;
            if (name.Contains("{%", StringComparison.Ordinal) || name.Contains("{{", StringComparison.Ordinal))
                throw new NotSupportedException(JinjaMessage(name));
            throw new ArgumentException($"Unknown chat template preset '{name}' (known: {string.Join(", ", Presets.Keys)}).");
        }
        if (element.ValueKind != JsonValueKind.Object) throw new ArgumentException("A chat template is a preset name or an object.");
        string Required(string key) => element.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()! : throw new ArgumentException($"The chat template needs a string '{key}'.");
        string? Optional(string key) => element.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        foreach (var p in element.EnumerateObject())
            if (p.Name is not ("system" or "user" or "assistant" or "generation_prompt" or "prefix" or "default_system"))
                throw new ArgumentException($"Unknown chat template key '{p.Name}' (known: system, user, assistant, generation_prompt, prefix, default_system).");
        return new ChatTemplate(Required("system"), Required("user"), Required("assistant"), Required("generation_prompt"),
            Optional("prefix") ?? "", Optional("default_system"));
    }

    /// <summary>The error for a Jinja template, naming the preset whose markers it uses if any.</summary>
    public static string JinjaMessage(string jinja)
    {
        var hint = jinja.Contains("<|im_start|>", StringComparison.Ordinal) ? " It uses ChatML markers: the preset \"chatml\" matches."
            : jinja.Contains("<|start_header_id|>", StringComparison.Ordinal) ? " It uses Llama 3 markers: the preset \"llama3\" matches."
            : "";
        return "Jinja chat templates are not supported (we cannot run Jinja): give the run config a chat_template with " +
               "system/user/assistant/generation_prompt markers, or a preset name; see docs/tokenizers.md." + hint;
    }
}
