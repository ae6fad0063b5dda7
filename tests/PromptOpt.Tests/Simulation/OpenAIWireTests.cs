using System.Text;
using System.Text.Json.Nodes;
using PromptOpt.Simulation.Server;

namespace PromptOpt.Tests.Simulation;

public class OpenAIWireTests
{
    [Theory]
    [InlineData("<answer>42</answer>")]
    [InlineData("Let me reason about this carefully.\n<answer>-7</answer>")]
    [InlineData("quotes \" and \\ backslash, tab\t, <tags> & 'apostrophes', é ü 中文 😀, control \u0001")]
    [InlineData("")]
    public void CompletionUtf8_IsByteIdenticalToTheNodeTreeForm(string text)
    {
        // The JsonObject form the simulator server wrote before it switched to a Utf8JsonWriter.
        var expected = new JsonObject
        {
            ["id"] = "chatcmpl-sim-00ff00ff00ff00ff",
            ["object"] = "chat.completion",
            ["created"] = 1764633600L,
            ["model"] = "sim-1",
            ["system_fingerprint"] = "promptopt-simulator",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 123L, ["completion_tokens"] = 5L, ["total_tokens"] = 128L },
        }.ToJsonString();

        var actual = OpenAIWire.CompletionUtf8("chatcmpl-sim-00ff00ff00ff00ff", 1764633600L, "sim-1", text, 123, 5);

        Assert.Equal(expected, Encoding.UTF8.GetString(actual.Span));
    }
}
