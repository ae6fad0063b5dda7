using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PromptOpt.Reporting;

/// <summary>Lenient readers for <see cref="Optimizers.OptimizationResult.Details"/>: a missing or mistyped value reads as <see langword="null"/>.</summary>
internal static class DetailsReader
{
    /// <summary>Gets the array under <paramref name="key"/>, or <see langword="null"/>.</summary>
    public static JsonArray? Arr(JsonNode? node, string key) => (node as JsonObject)?[key] as JsonArray;

    /// <summary>Gets the array under <paramref name="key"/> as objects (non-objects skipped); empty when absent.</summary>
    public static IReadOnlyList<JsonObject> Objects(JsonNode? node, string key) => Objects(Arr(node, key));

    /// <summary>Gets the objects of an array (non-objects skipped); empty when <see langword="null"/>.</summary>
    public static IReadOnlyList<JsonObject> Objects(JsonArray? array) => array?.OfType<JsonObject>().ToList() ?? [];

    /// <summary>Gets a number (JSON number or numeric string), or <see langword="null"/>.</summary>
    public static double? Num(JsonNode? node, string key) => Num((node as JsonObject)?[key]);

    /// <summary>Gets a number from a value node, or <see langword="null"/>.</summary>
    public static double? Num(JsonNode? value)
    {
        if (value is not JsonValue v)
        {
            return null;
        }

        var text = v.GetValueKind() switch
        {
            JsonValueKind.Number => v.ToJsonString(),
            JsonValueKind.String => v.GetValue<string>(),
            _ => null,
        };
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;
    }

    /// <summary>Gets a string (numbers and booleans as their JSON text), or <see langword="null"/>.</summary>
    public static string? Str(JsonNode? node, string key)
    {
        if ((node as JsonObject)?[key] is not JsonValue v)
        {
            return null;
        }

        return v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
            _ => null,
        };
    }

    /// <summary>Gets a boolean, or <see langword="null"/>.</summary>
    public static bool? Bool(JsonNode? node, string key) =>
        ((node as JsonObject)?[key] as JsonValue)?.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        };

    /// <summary>Gets the numbers of an array under <paramref name="key"/> (non-numbers as <see langword="null"/>); empty when absent.</summary>
    public static IReadOnlyList<double?> Numbers(JsonNode? node, string key) => Arr(node, key)?.Select(Num).ToList() ?? [];
}
