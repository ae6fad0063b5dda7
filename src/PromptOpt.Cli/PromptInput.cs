using PromptOpt.Optimizers;
using PromptOpt.Prompts;

namespace PromptOpt.Cli;

/// <summary>
/// Turns <c>--prompt</c>/<c>--system</c> values into a <see cref="Prompt"/>. A value is literal text, or <c>@path</c> to
/// read a file: a plain text file, or a saved prompt artifact (JSON with <c>"kind": "promptopt.prompt"</c>; every
/// <c>.json</c> file must be one).
/// A user prompt without <c>{question}</c> gets the example input appended on its own line.
/// </summary>
internal static class PromptInput
{
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

        // A .json file must be a valid prompt artifact (a truncated one, or JSON of another kind, is never sent to the
        // model as prompt text); a file of another extension is text, unless it is an artifact.
        bool json = Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase);
        if (json || PromptArtifact.IsArtifact(text))
        {
            var artifact = PromptArtifact.Parse(text, $"{optionName}: {value[1..]}").ToPrompt();
            return (artifact.User, artifact);
        }

        return (text.Trim(), null);
    }
}
