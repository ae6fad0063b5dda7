using System.Text.Json;

namespace PromptOpt.Data;

/// <summary>One labelled example of a task.</summary>
/// <param name="Id">Unique id within its dataset.</param>
/// <param name="Input">The full text shown to the model (question, options, context).</param>
/// <param name="Target">The gold answer exactly as it must be produced.</param>
/// <param name="Choices">The label set or option letters, for classification and multiple choice; otherwise <see langword="null"/>.</param>
/// <param name="Meta">Anything else (alternative answers, worked solutions), or <see langword="null"/>.</param>
public sealed record Example(
    string Id,
    string Input,
    string Target,
    IReadOnlyList<string>? Choices = null,
    IReadOnlyDictionary<string, JsonElement>? Meta = null);
