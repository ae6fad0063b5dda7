using System.Text.Json;
using System.Text.Json.Serialization;
using PromptOpt.Prompts;

namespace PromptOpt.Optimizers;

/// <summary>
/// The saved result of an optimization run: the best prompt with where it came from, as versioned JSON
/// (<c>{"kind": "promptopt.prompt", "version": 1, "system", "user", "method", "scores": {"train", "test", "start_test"},
/// "models", "seed", "task", "dataset_fingerprint", "promptopt_version", "run_id"}</c>; MetaSPO adds
/// <c>"source_tasks": [{"task", "user"}]</c>, each source task's best user prompt under the optimized system prompt;
/// a simulated run adds <c>"simulated": true</c>).
/// <c>promptopt eval --prompt @artifact.json</c> reads it back (<see cref="Parse"/>).
/// </summary>
public sealed record PromptArtifact
{
    /// <summary>The <c>kind</c> of a prompt artifact.</summary>
    public const string ArtifactKind = "promptopt.prompt";

    /// <summary>The format version this build writes and the newest it reads.</summary>
    public const int CurrentVersion = 1;

    // Readable text in the file ("<answer>", "é" as written, not \u-escaped); the artifact is data, never embedded in HTML.
    private static readonly PromptArtifactJsonContext Json = new(new global::System.Text.Json.JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = global::System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>Gets the kind, always <see cref="ArtifactKind"/>.</summary>
    public string Kind { get; init; } = ArtifactKind;

    /// <summary>Gets the format version.</summary>
    /// <value>The default is <see cref="CurrentVersion"/>.</value>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>Gets the system prompt, or <see langword="null"/>.</summary>
    public string? System { get; init; }

    /// <summary>Gets the user prompt (with the <c>{question}</c> placeholder).</summary>
    public required string User { get; init; }

    /// <summary>Gets the method that found the prompt.</summary>
    public string Method { get; init; } = string.Empty;

    /// <summary>Gets the scores.</summary>
    public PromptArtifactScores Scores { get; init; } = new();

    /// <summary>Gets the model spec per role (key-free).</summary>
    public IReadOnlyDictionary<string, string> Models { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the run's seed.</summary>
    public int Seed { get; init; }

    /// <summary>Gets the task name (for MetaSPO: the suite's name or first source task).</summary>
    public string Task { get; init; } = string.Empty;

    /// <summary>Gets the fingerprint of the task's dataset (<see cref="Data.Dataset.Fingerprint"/>).</summary>
    public string DatasetFingerprint { get; init; } = string.Empty;

    /// <summary>Gets the PromptOpt version that wrote the artifact.</summary>
    /// <value>The default is <see cref="PromptOptInfo.Version"/>.</value>
    public string PromptoptVersion { get; init; } = PromptOptInfo.Version;

    /// <summary>Gets the run id in the store.</summary>
    public string RunId { get; init; } = string.Empty;

    /// <summary>Gets whether the scores come from the simulator (written as <c>"simulated": true</c> only then).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Simulated { get; init; }

    /// <summary>Gets MetaSPO's per-source-task best user prompts, or <see langword="null"/> for single-task methods.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<PromptArtifactTask>? SourceTasks { get; init; }

    /// <summary>Gets the prompt.</summary>
    /// <returns>The prompt; a user prompt without <c>{question}</c> gets the input appended on its own line.</returns>
    public Prompt ToPrompt()
    {
        var system = string.IsNullOrWhiteSpace(System) ? null : System;
        var prompt = new Prompt(system, User);
        return prompt.HasPlaceholder ? prompt : Prompt.FromInstruction(User) with { System = system };
    }

    /// <summary>Builds the artifact of a finished run.</summary>
    /// <param name="result">The result.</param>
    /// <param name="runId">The run id.</param>
    /// <param name="task">The task name.</param>
    /// <param name="datasetFingerprint">The dataset fingerprint.</param>
    /// <param name="models">The model spec per role.</param>
    /// <param name="simulated">Whether the run used the simulator.</param>
    /// <returns>The artifact.</returns>
    public static PromptArtifact FromResult(
        OptimizationResult result, string runId, string task, string datasetFingerprint, IReadOnlyDictionary<string, string> models, bool simulated = false)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(datasetFingerprint);
        ArgumentNullException.ThrowIfNull(models);
        return new PromptArtifact
        {
            System = result.BestPrompt.System,
            User = result.BestPrompt.User,
            Method = result.Method,
            Scores = new PromptArtifactScores { Train = result.BestTrainScore, Test = result.BestTestScore, StartTest = result.StartTestScore },
            Models = new SortedDictionary<string, string>(models.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal), StringComparer.Ordinal),
            Seed = result.Seed,
            Task = task,
            DatasetFingerprint = datasetFingerprint,
            RunId = runId,
            Simulated = simulated,
            SourceTasks = SourceTasksOf(result),
        };
    }

    /// <summary>Serializes the artifact (indented, snake_case, invariant).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, Json.PromptArtifact);

    /// <summary>Returns whether <paramref name="json"/> is a JSON object whose <c>kind</c> is <see cref="ArtifactKind"/>.</summary>
    /// <param name="json">The text.</param>
    /// <returns><see langword="true"/> for an artifact (valid or not); <see langword="false"/> for anything else.</returns>
    public static bool IsArtifact(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (!json.TrimStart().StartsWith('{'))
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("kind", out var kind)
                && kind.ValueKind == JsonValueKind.String
                && kind.GetString() == ArtifactKind;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads an artifact.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="displayPath">The file name used in messages.</param>
    /// <returns>The artifact.</returns>
    /// <exception cref="PromptOptInputException">Not JSON (e.g. a truncated file: the message gives the line and byte),
    /// not an object, another <c>kind</c>, a newer version, or no <c>user</c> prompt.</exception>
    public static PromptArtifact Parse(string json, string displayPath)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(displayPath);
        var expected = $"expected a prompt artifact (a JSON object with \"kind\": \"{ArtifactKind}\", as 'promptopt optimize' saves)";
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line
                ? string.Create(global::System.Globalization.CultureInfo.InvariantCulture, $" at line {line + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}")
                : string.Empty;
            throw new PromptOptInputException($"{displayPath}: invalid or truncated JSON{where}; {expected}", ex);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new PromptOptInputException($"{displayPath}: found a JSON {root.ValueKind.ToString().ToLowerInvariant()}; {expected}");
            }

            if (!root.TryGetProperty("kind", out var kind) || kind.ValueKind != JsonValueKind.String)
            {
                throw new PromptOptInputException($"{displayPath}: the JSON object has no \"kind\"; {expected}");
            }

            if (kind.GetString() != ArtifactKind)
            {
                throw new PromptOptInputException($"{displayPath}: found \"kind\": \"{kind.GetString()}\"; {expected}");
            }

            if (root.TryGetProperty("version", out var v) && (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var version) || version > CurrentVersion || version < 1))
            {
                throw new PromptOptInputException($"{displayPath}: prompt artifact version {v.GetRawText()} is not supported (this PromptOpt reads version {CurrentVersion})");
            }

            if (!root.TryGetProperty("user", out var user) || user.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(user.GetString()))
            {
                throw new PromptOptInputException($"{displayPath} is a prompt artifact without a \"user\" string");
            }
        }

        try
        {
            return JsonSerializer.Deserialize(json, Json.PromptArtifact)
                ?? throw new PromptOptInputException($"{displayPath}: the prompt artifact is empty");
        }
        catch (JsonException ex)
        {
            throw new PromptOptInputException($"{displayPath}: malformed prompt artifact ({ex.Message.ReplaceLineEndings(" ")})", ex);
        }
    }

    /// <summary>Writes the artifact to <paramref name="path"/>, creating its directory.</summary>
    /// <param name="path">The file path.</param>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir)
        {
            Directory.CreateDirectory(dir);
        }

        File.WriteAllText(path, ToJson() + "\n");
    }

    // MetaSPO (Reporting/README-details.md, "tasks"): one entry per source task with its best user prompt.
    private static List<PromptArtifactTask>? SourceTasksOf(OptimizationResult result)
    {
        if (result.Details["tasks"] is not System.Text.Json.Nodes.JsonArray tasks)
        {
            return null;
        }

        var list = new List<PromptArtifactTask>();
        foreach (var entry in tasks.OfType<global::System.Text.Json.Nodes.JsonObject>())
        {
            if (entry["task"] is global::System.Text.Json.Nodes.JsonValue t && t.TryGetValue<string>(out var name)
                && entry["best_user_prompt"] is global::System.Text.Json.Nodes.JsonValue u && u.TryGetValue<string>(out var userPrompt))
            {
                list.Add(new PromptArtifactTask(name, userPrompt));
            }
        }

        return list.Count > 0 ? list : null;
    }
}

/// <summary>The scores of a <see cref="PromptArtifact"/> (the metric's scale, usually 0–1).</summary>
public sealed record PromptArtifactScores
{
    /// <summary>Gets the best prompt's score on the training evaluation set.</summary>
    public double? Train { get; init; }

    /// <summary>Gets the best prompt's test score, or <see langword="null"/> when not measured.</summary>
    public double? Test { get; init; }

    /// <summary>Gets the starting prompt's test score, or <see langword="null"/> when not measured.</summary>
    public double? StartTest { get; init; }
}

/// <summary>A MetaSPO source task's best user prompt in a <see cref="PromptArtifact"/>.</summary>
/// <param name="Task">The task name.</param>
/// <param name="User">Its best user prompt (used with the artifact's system prompt).</param>
public sealed record PromptArtifactTask(string Task, string User);

/// <summary>Source-generated JSON for <see cref="PromptArtifact"/>: snake_case, indented, nulls written.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(PromptArtifact))]
internal sealed partial class PromptArtifactJsonContext : JsonSerializerContext;
