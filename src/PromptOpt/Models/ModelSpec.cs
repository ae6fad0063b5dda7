using System.Text.RegularExpressions;

namespace PromptOpt.Models;

/// <summary>The kind of model endpoint a <see cref="ModelSpec"/> names.</summary>
public enum ModelProvider
{
    /// <summary>The OpenAI API (<c>openai:&lt;model&gt;</c>), keyed by <c>OPENAI_API_KEY</c>.</summary>
    OpenAI,

    /// <summary>Any OpenAI-compatible chat-completions endpoint (<c>openai-compatible:&lt;base-url&gt;|&lt;model&gt;[|&lt;KEY-VAR&gt;]</c>).</summary>
    OpenAICompatible,

    /// <summary>The deterministic simulator (<c>sim</c> or <c>sim:&lt;model-name&gt;</c>).</summary>
    Simulator,

    /// <summary>A configured real endpoint if the environment has one, else the simulator (<c>auto</c>).</summary>
    Auto,
}

/// <summary>
/// A parsed model spec: which endpoint and model a role uses. Specs never carry secrets: keys are read from environment
/// variables when the model is built, and <see cref="ToString"/> gives the canonical, key-free form (safe to log and store).
/// </summary>
/// <remarks>
/// Accepted forms (see <see cref="AcceptedForms"/>): <c>openai:gpt-4o-mini</c>;
/// <c>openai-compatible:http://127.0.0.1:8080/v1|llama3</c> (no key) or
/// <c>openai-compatible:https://host/v1|model|MY_KEY_VAR</c> (key read from <c>MY_KEY_VAR</c>); <c>sim</c>;
/// <c>sim:small-model</c>; <c>auto</c>. Provider names are case-insensitive.
/// </remarks>
public sealed partial record ModelSpec
{
    /// <summary>The accepted forms, as listed in every <see cref="ModelSpecException"/> message.</summary>
    public const string AcceptedForms =
        "openai:<model> | openai-compatible:<base-url>|<model>[|<API-KEY-ENV-VAR>] | sim[:<model-name>] | auto";

    /// <summary>The environment variable holding the OpenAI API key.</summary>
    public const string OpenAIKeyVariable = "OPENAI_API_KEY";

    private ModelSpec(ModelProvider provider, string? model, Uri? baseUrl, string? apiKeyVariable)
    {
        Provider = provider;
        Model = model;
        BaseUrl = baseUrl;
        ApiKeyVariable = apiKeyVariable;
    }

    /// <summary>Gets the <c>auto</c> spec.</summary>
    public static ModelSpec Auto { get; } = new(ModelProvider.Auto, null, null, null);

    /// <summary>Gets the provider kind.</summary>
    public ModelProvider Provider { get; }

    /// <summary>Gets the model name (<see langword="null"/> for plain <c>sim</c> and for <c>auto</c>).</summary>
    public string? Model { get; }

    /// <summary>Gets the base URL of an OpenAI-compatible endpoint (<see langword="null"/> for the other providers).</summary>
    public Uri? BaseUrl { get; }

    /// <summary>
    /// Gets the NAME of the environment variable holding the API key: <see cref="OpenAIKeyVariable"/> for
    /// <see cref="ModelProvider.OpenAI"/>, the named variable (or <see langword="null"/> for none) for
    /// <see cref="ModelProvider.OpenAICompatible"/>, <see langword="null"/> otherwise.
    /// </summary>
    public string? ApiKeyVariable { get; }

    /// <summary>Creates an <c>openai:&lt;model&gt;</c> spec.</summary>
    /// <param name="model">The model name.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="ModelSpecException">The model name is empty or malformed.</exception>
    public static ModelSpec OpenAI(string model) => new(ModelProvider.OpenAI, CheckModel(model, "openai:" + model, SpecSyntax.Model), null, OpenAIKeyVariable);

    /// <summary>Creates an <c>openai-compatible:&lt;base-url&gt;|&lt;model&gt;[|&lt;KEY-VAR&gt;]</c> spec.</summary>
    /// <param name="baseUrl">The base URL (absolute http or https, e.g. <c>http://127.0.0.1:8080/v1</c>).</param>
    /// <param name="model">The model name.</param>
    /// <param name="apiKeyVariable">The name of the environment variable holding the key, or <see langword="null"/> for none.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="ModelSpecException">A part is malformed.</exception>
    public static ModelSpec OpenAICompatible(Uri baseUrl, string model, string? apiKeyVariable = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var text = $"openai-compatible:{baseUrl}|{model}" + (apiKeyVariable is null ? string.Empty : "|" + apiKeyVariable);
        var syntax = SpecSyntax.Model;
        return new(ModelProvider.OpenAICompatible, CheckModel(model, text, syntax), CheckBaseUrl(baseUrl.OriginalString, text, syntax), CheckKeyVariable(apiKeyVariable, text, syntax));
    }

    /// <summary>Creates a simulator spec.</summary>
    /// <param name="modelName">The simulated model's name, or <see langword="null"/> for plain <c>sim</c>.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="ModelSpecException">The name is empty or malformed.</exception>
    public static ModelSpec Simulator(string? modelName = null) =>
        new(ModelProvider.Simulator, modelName is null ? null : CheckModel(modelName, "sim:" + modelName, SpecSyntax.Model), null, null);

    /// <summary>Parses a model spec.</summary>
    /// <param name="text">The spec text.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="ModelSpecException">The text is not one of the <see cref="AcceptedForms"/>; the message is one line.</exception>
    public static ModelSpec Parse(string? text) => Parse(text, SpecSyntax.Model);

    /// <summary>Parses a spec of the given syntax (a model spec, or the model part of an embedder spec).</summary>
    /// <param name="text">The spec text.</param>
    /// <param name="syntax">What the spec names, for messages.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="ModelSpecException">The text is malformed; the message names <paramref name="syntax"/>'s accepted forms.</exception>
    internal static ModelSpec Parse(string? text, SpecSyntax syntax)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Invalid(text ?? string.Empty, "it is empty", syntax);
        }

        var t = text.Trim();
        var colon = t.IndexOf(':', StringComparison.Ordinal);
        var head = (colon < 0 ? t : t[..colon]).ToLowerInvariant();
        var rest = colon < 0 ? null : t[(colon + 1)..];
        switch (head)
        {
            case "auto" when rest is null:
                return Auto;
            case "sim" or "simulator":
                return rest is null ? Simulator() : Simulator(rest);
            case "openai":
                return rest is null ? throw Invalid(t, "the model name is missing", syntax)
                    : new(ModelProvider.OpenAI, CheckModel(rest, t, syntax), null, OpenAIKeyVariable);
            case "openai-compatible":
                return ParseCompatible(t, rest, syntax);
            default:
                throw Invalid(t, $"unknown provider '{Redact(head)}'", syntax);
        }
    }

    /// <summary>Tries to parse a model spec.</summary>
    /// <param name="text">The spec text.</param>
    /// <param name="spec">The spec, or <see langword="null"/> when the text is invalid.</param>
    /// <returns>Whether the text was valid.</returns>
    public static bool TryParse(string? text, out ModelSpec? spec)
    {
        try
        {
            spec = Parse(text);
            return true;
        }
        catch (ModelSpecException)
        {
            spec = null;
            return false;
        }
    }

    /// <summary>Gets the canonical spec text (never contains a key; only the key variable's name).</summary>
    /// <returns>The canonical form, e.g. <c>openai:gpt-4o-mini</c>.</returns>
    public override string ToString() => Provider switch
    {
        ModelProvider.OpenAI => "openai:" + Model,
        ModelProvider.OpenAICompatible => $"openai-compatible:{BaseUrl!.OriginalString}|{Model}" + (ApiKeyVariable is null ? string.Empty : "|" + ApiKeyVariable),
        ModelProvider.Simulator => Model is null ? "sim" : "sim:" + Model,
        _ => "auto",
    };

    internal static string Redact(string text) => SecretRedactor.Redact(text);

    private static ModelSpec ParseCompatible(string text, string? rest, SpecSyntax syntax)
    {
        var parts = rest?.Split('|') ?? [];
        if (parts.Length is < 2 or > 3)
        {
            throw Invalid(text, "expected <base-url>|<model> with an optional |<API-KEY-ENV-VAR>", syntax);
        }

        var url = CheckBaseUrl(parts[0].Trim(), text, syntax);
        var model = CheckModel(parts[1].Trim(), text, syntax);
        var keyVar = parts.Length == 3 ? CheckKeyVariable(parts[2].Trim(), text, syntax) : null;
        return new(ModelProvider.OpenAICompatible, model, url, keyVar);
    }

    private static string CheckModel(string? model, string text, SpecSyntax syntax)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            throw Invalid(text, "the model name is missing", syntax);
        }

        if (!ModelNamePattern().IsMatch(model))
        {
            throw Invalid(text, $"model name '{Redact(model)}' may only contain letters, digits and . _ - : / @ +", syntax);
        }

        return model;
    }

    private static Uri CheckBaseUrl(string url, string text, SpecSyntax syntax)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw Invalid(text, $"base URL '{Redact(url)}' is not an absolute http(s) URL", syntax);
        }

        // Credentials in the URL would end up in logs and the run store: keys belong in an environment variable.
        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw Invalid(text, "the base URL must not carry credentials, a query or a fragment (name a key variable instead)", syntax);
        }

        return uri;
    }

    private static string? CheckKeyVariable(string? name, string text, SpecSyntax syntax)
    {
        if (name is null)
        {
            return null;
        }

        if (!KeyVariablePattern().IsMatch(name))
        {
            throw Invalid(text, "the third part must be the NAME of an environment variable holding the key (letters, digits, _), not the key itself", syntax);
        }

        return name;
    }

    /// <summary>The one-line error for a malformed spec of <paramref name="syntax"/>.</summary>
    /// <param name="text">The spec text (redacted in the message).</param>
    /// <param name="reason">What is wrong.</param>
    /// <param name="syntax">What the spec names.</param>
    /// <returns>The exception.</returns>
    internal static ModelSpecException Invalid(string text, string reason, SpecSyntax syntax) =>
        new(OneLine($"invalid {syntax.Noun} spec '{Redact(text)}': {reason}; expected one of: {syntax.AcceptedForms}"));

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Replace('\t', ' ');

    [GeneratedRegex(@"^[A-Za-z0-9._\-:/@+]+$")]
    private static partial Regex ModelNamePattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex KeyVariablePattern();
}

/// <summary>What a spec names, for its error messages: "model" with <see cref="ModelSpec.AcceptedForms"/>, or "embedder".</summary>
/// <param name="Noun">The noun in messages ("invalid {noun} spec …").</param>
/// <param name="AcceptedForms">The accepted forms listed in messages.</param>
internal readonly record struct SpecSyntax(string Noun, string AcceptedForms)
{
    /// <summary>Gets the syntax of model specs.</summary>
    public static SpecSyntax Model => new("model", ModelSpec.AcceptedForms);
}

/// <summary>Thrown when a model spec is malformed or cannot be built; the message is one line (listing the accepted forms for syntax errors).</summary>
public sealed class ModelSpecException : PromptOptInputException
{
    /// <summary>Initializes a new instance of the <see cref="ModelSpecException"/> class.</summary>
    public ModelSpecException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelSpecException"/> class.</summary>
    /// <param name="message">The one-line message.</param>
    public ModelSpecException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelSpecException"/> class.</summary>
    /// <param name="message">The one-line message.</param>
    /// <param name="innerException">The inner exception.</param>
    public ModelSpecException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
