namespace PromptOpt.Models;

/// <summary>
/// A parsed embedder spec: which text embedder EXPO uses. <c>hash</c> (also <c>sim</c>) is the built-in, weight-free
/// hashing embedder, which never touches the network; <c>openai:&lt;model&gt;</c> and
/// <c>openai-compatible:&lt;base-url&gt;|&lt;model&gt;[|&lt;KEY-VAR&gt;]</c> name a provider's <c>/v1/embeddings</c> endpoint
/// exactly as model specs do (same parsing, same key handling, see <see cref="ModelSpec"/>). Specs never carry secrets, and
/// <see cref="ToString"/> gives the canonical, key-free form (safe to log and store).
/// </summary>
/// <remarks>
/// <c>auto</c> is not accepted: it picks a chat model, and a chat model's name is not an embedding model's. A real
/// embedder is always named explicitly, so the built-in embedder is never used in its place.
/// </remarks>
public sealed record EmbedderSpec
{
    /// <summary>The accepted forms, as listed in every <see cref="ModelSpecException"/> message about an embedder spec.</summary>
    public const string AcceptedForms =
        "hash | minilm | sim | openai:<embedding-model> | openai-compatible:<base-url>|<model>[|<API-KEY-ENV-VAR>]";

    /// <summary>The canonical name of the built-in hashing embedder.</summary>
    public const string HashName = "hash";

    /// <summary>The name of the offline all-MiniLM-L6-v2 sentence encoder (a real model, in the PromptOpt.Simulation package).</summary>
    public const string MiniLmName = "minilm";

    private static readonly SpecSyntax Syntax = new("embedder", AcceptedForms);

    private EmbedderSpec(ModelSpec? model, string? localName = null)
    {
        Model = model;
        LocalName = localName;
    }

    /// <summary>Gets the built-in hashing embedder's spec (<c>hash</c>), the default.</summary>
    public static EmbedderSpec Hashing { get; } = new((ModelSpec?)null);

    /// <summary>Gets the spec of the offline all-MiniLM-L6-v2 encoder (<c>minilm</c>), resolved through
    /// <see cref="ModelPipelineOptions.LocalEmbedders"/> (the CLI registers it from PromptOpt.Simulation).</summary>
    public static EmbedderSpec MiniLm { get; } = new(null, MiniLmName);

    /// <summary>Gets the name of a local (in-process, free) embedder other than the hashing one, e.g. <c>minilm</c>; else <see langword="null"/>.</summary>
    public string? LocalName { get; }

    /// <summary>Gets the provider's embedding model, or <see langword="null"/> for the built-in hashing embedder.</summary>
    public ModelSpec? Model { get; }

    /// <summary>Gets whether this is the built-in hashing embedder (no network, no cost).</summary>
    public bool IsBuiltIn => Model is null && LocalName is null;

    /// <summary>Creates the spec of a provider's embedding model.</summary>
    /// <param name="model">An <c>openai:</c> or <c>openai-compatible:</c> spec naming an embedding model; a <c>sim</c> spec gives <see cref="Hashing"/>.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="ModelSpecException"><paramref name="model"/> is <c>auto</c> or names a simulated model.</exception>
    public static EmbedderSpec FromModel(ModelSpec model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Provider switch
        {
            ModelProvider.OpenAI or ModelProvider.OpenAICompatible => new EmbedderSpec(model),
            ModelProvider.Simulator when model.Model is null => Hashing,
            _ => throw Reject(model.ToString()),
        };
    }

    /// <summary>Parses an embedder spec.</summary>
    /// <param name="text">The spec text.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="ModelSpecException">The text is not one of the <see cref="AcceptedForms"/>; the message is one line.</exception>
    public static EmbedderSpec Parse(string? text)
    {
        var t = text?.Trim() ?? string.Empty;
        var colon = t.IndexOf(':', StringComparison.Ordinal);
        var head = (colon < 0 ? t : t[..colon]).ToLowerInvariant();
        return head switch
        {
            HashName or "sim" or "simulator" when colon < 0 => Hashing,
            MiniLmName or "all-minilm-l6-v2" when colon < 0 => MiniLm,
            HashName or "sim" or "simulator" or "auto" => throw Reject(t),
            _ => new EmbedderSpec(ModelSpec.Parse(t, Syntax)), // also reports empty text and unknown providers
        };
    }

    /// <summary>Gets the canonical spec text (<c>hash</c>, <c>minilm</c>, or the model spec; never contains a key).</summary>
    /// <returns>The canonical form.</returns>
    public override string ToString() => Model?.ToString() ?? LocalName ?? HashName;

    private static ModelSpecException Reject(string text) => ModelSpec.Invalid(text, text.StartsWith("auto", StringComparison.OrdinalIgnoreCase)
        ? "'auto' picks a chat model, not an embedding model; name one (e.g. openai:text-embedding-3-small) or use hash"
        : "the built-in hashing embedder takes no model name; use hash", Syntax);
}
