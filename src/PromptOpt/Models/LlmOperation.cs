using System.Text.Json.Nodes;

namespace PromptOpt.Models;

/// <summary>
/// The operation an optimizer call performs, with its structured arguments, carried in
/// <see cref="ChatOptionKeys.Operation"/>. The simulator reads it; real providers ignore it.
/// </summary>
/// <param name="Name">The operation name (see <c>Prompts.OperationNames</c>).</param>
/// <param name="Args">The structured arguments (JSON, so it hashes into cache keys and crosses HTTP).</param>
public sealed record LlmOperation(string Name, JsonObject Args)
{
    /// <summary>Serializes the operation to a compact JSON string.</summary>
    /// <returns>The JSON text <c>{"name":…,"args":{…}}</c>.</returns>
    public string ToJson() => new JsonObject { ["name"] = Name, ["args"] = Args.DeepClone() }.ToJsonString();

    /// <summary>Parses the JSON produced by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The operation, or <see langword="null"/> when the text is not one.</returns>
    public static LlmOperation? FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json) is JsonObject o && o["name"]?.GetValue<string>() is { } name
                ? new LlmOperation(name, o["args"] as JsonObject is { } a ? (JsonObject)a.DeepClone() : new JsonObject())
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
