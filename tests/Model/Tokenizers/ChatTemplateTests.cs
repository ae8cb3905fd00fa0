using System.Text.Json;
using Pipeline.Model.Tokenizers;

namespace Pipeline.Tests.Model.Tokenizers;

public class ChatTemplateTests
{
    private static readonly ChatMessage[] Conversation =
    [
        new("system", "Be brief."), new("user", "2+2?"), new("assistant", "4"), new("user", "3+3?"),
    ];

    [Fact]
    public void ChatMl_formats_like_qwen()
    {
        Assert.Equal(
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n4<|im_end|>\n" +
            "<|im_start|>user\n3+3?<|im_end|>\n<|im_start|>assistant\n",
            ChatTemplate.ChatMl.Format(Conversation));
    }

    [Fact]
    public void Llama3_starts_with_bos_and_ends_with_the_assistant_header()
    {
        var text = ChatTemplate.Llama3.Format([new ChatMessage("user", "hi")]);
        Assert.Equal("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", text);
    }

    [Fact]
    public void Template_from_config_with_default_system_and_no_generation_prompt()
    {
        using var doc = JsonDocument.Parse("""
            {"system": "S:{content}|", "user": "U:{content}|", "assistant": "A:{content}|", "generation_prompt": "A:", "default_system": "be nice"}
            """);
        var t = ChatTemplate.FromJson(doc.RootElement);
        Assert.Equal("S:be nice|U:{content} stays|", t.Format([new ChatMessage("user", "{content} stays")], addGenerationPrompt: false));
    }

    [Theory]
    [InlineData("\"chatml\"", null)]
    [InlineData("\"{% for message in messages %}<|im_start|>{{ message.role }}{% endfor %}\"", "preset \"chatml\" matches")]
    [InlineData("\"nope\"", "Unknown chat template preset 'nope'")]
    [InlineData("{\"system\": \"{content}\", \"user\": \"no placeholder\", \"assistant\": \"{content}\", \"generation_prompt\": \"\"}", "'user' must contain {content}")]
    [InlineData("{\"system\": \"{content}\", \"user\": \"{content}\", \"assistant\": \"{content}\", \"generation_prompt\": \"\", \"tool\": \"x\"}", "Unknown chat template key 'tool'")]
    public void Config_errors_say_what_is_wrong(string json, string? error)
    {
        using var doc = JsonDocument.Parse(json);
        if (error is null)
        {
            Assert.Same(ChatTemplate.ChatMl, ChatTemplate.FromJson(doc.RootElement));
            return;
        }
        var e = Assert.ThrowsAny<Exception>(() => ChatTemplate.FromJson(doc.RootElement));
        Assert.Contains(error, e.Message);
    }

    [Fact]
    public void Unknown_roles_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => ChatTemplate.Plain.Format([new ChatMessage("tool", "x")]));
        Assert.Contains("'tool'", e.Message);
    }
}
