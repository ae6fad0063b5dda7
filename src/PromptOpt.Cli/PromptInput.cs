using System.Text.Json;
using PromptOpt.Prompts;

namespace PromptOpt.Cli;

/// <summary>
/// Turns <c>--prompt</c>/<c>--system</c> values into a <see cref="Prompt"/>. A value is literal text, or <c>@path</c> to
/// read a file: a plain text file, or a saved prompt artifact (JSON with <c>"kind": "promptopt.prompt"</c>).
/// A user prompt without <c>{question}</c> gets the example input appended on its own line.
/// </summary>
internal static class PromptInput
{
    /// <summary>The <c>kind</c> of a saved prompt artifact.</summary>
    public const string ArtifactKind = "promptopt.prompt";

    /// <summary>Builds the prompt from the option values.</summary>
    /// <param name="context">The context (for resolving paths).</param>
    /// <param name="prompt">The <c>--prompt</c> value.</param>
    /// <param name="system">The <c>--system</c> value, or <see langword="null"/>.</param>
    /// <returns>The prompt.</returns>
    /// <exception cref="PromptOptInputException">A file is missing, empty or not a valid artifact.</exception>
    public static Prompt Load(CliContext context, string prompt, string? system)
    {
        var user = Read(context, prompt, "--prompt");
        Prompt result;
        if (user.Artifact is { } artifact)
        {
            // An artifact carries its own system part; an explicit --system overrides it.
            result = system is null ? artifact : artifact with { System = Read(context, system, "--system").Text };
        }
        else
        {
            result = Prompt.FromInstruction(user.Text);
            if (system is not null)
            {
                var sys = Read(context, system, "--system");
                result = result with { System = sys.Artifact?.System ?? sys.Text };
            }
        }

        return result;
    }

    private static (string Text, Prompt? Artifact) Read(CliContext context, string value, string optionName)
    {
        if (!value.StartsWith('@'))
        {
            return string.IsNullOrWhiteSpace(value)
                ? throw new PromptOptInputException($"{optionName} is empty; give the prompt text or @file.")
                : (value, null);
        }

        var path = context.ResolvePath(value[1..]);
        if (value.Length == 1 || !File.Exists(path))
        {
            throw new PromptOptInputException($"{optionName}: file not found: {value[1..]}");
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PromptOptInputException($"{optionName}: cannot read {value[1..]}: {ex.Message}", ex);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw new PromptOptInputException($"{optionName}: file is empty: {value[1..]}");
        }

        return text.TrimStart().StartsWith('{') && TryReadArtifact(text, value[1..]) is { } artifact
            ? (artifact.User, artifact)
            : (text.Trim(), null);
    }

    /// <summary>
    /// HOOK for saved prompt artifacts: reads <c>{"kind":"promptopt.prompt", …}</c>. Until the artifact writer lands
    /// (with <c>optimize</c>), this accepts the prompt's parts either at the top level (<c>"system"</c>, <c>"user"</c>)
    /// or under <c>"prompt"</c>; replace the body with the library's artifact reader when it exists.
    /// JSON that is not an artifact is treated as plain prompt text.
    /// </summary>
    private static Prompt? TryReadArtifact(string text, string displayPath)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("kind", out var kind)
                || kind.ValueKind != JsonValueKind.String
                || kind.GetString() != ArtifactKind)
            {
                return null;
            }

            var parts = root.TryGetProperty("prompt", out var nested) && nested.ValueKind == JsonValueKind.Object ? nested : root;
            string? user = parts.TryGetProperty("user", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            string? system = parts.TryGetProperty("system", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            if (string.IsNullOrWhiteSpace(user))
            {
                throw new PromptOptInputException($"--prompt: {displayPath} is a prompt artifact without a \"user\" string.");
            }

            var prompt = new Prompt(string.IsNullOrWhiteSpace(system) ? null : system, user);
            return prompt.HasPlaceholder ? prompt : Prompt.FromInstruction(user) with { System = prompt.System };
        }
    }
}
