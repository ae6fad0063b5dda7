using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using PromptOpt.Models;

namespace PromptOpt.Prompts;

/// <summary>
/// The LLM operations every optimizer shares (ALGORITHMS.md 4.2), one implementation each. Every call sends a real
/// template (<see cref="OperationPrompts"/>) to the optimizer model with the operation and its structured arguments in
/// <see cref="ChatOptionKeys.Operation"/>, parses the answer from its named tag with <see cref="TagParser"/>, and on an
/// unusable reply (tag missing, placeholder lost) retries once with a different sample index, then drops the candidate:
/// the method returns <see langword="null"/> (or an empty list), <see cref="DropCount"/> grows and
/// <see cref="PromptOperationOptions.OnDrop"/> is told why. Budget exhaustion and cancellation propagate.
/// </summary>
public sealed partial class PromptOperations
{
    private int _drops;

    /// <summary>Initializes a new instance of the <see cref="PromptOperations"/> class.</summary>
    /// <param name="optimizer">The optimizer model.</param>
    /// <param name="options">The options, or <see langword="null"/> for defaults.</param>
    public PromptOperations(IChatClient optimizer, PromptOperationOptions? options = null)
    {
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        Options = options ?? new PromptOperationOptions();
    }

    /// <summary>Gets the optimizer model.</summary>
    public IChatClient Optimizer { get; }

    /// <summary>Gets the options.</summary>
    public PromptOperationOptions Options { get; }

    /// <summary>Gets how many candidates were dropped so far (thread-safe).</summary>
    public int DropCount => Volatile.Read(ref _drops);

    /// <summary>Parses one reply: the value, or the reason it is unusable.</summary>
    private delegate (T? Value, string? Problem) ReplyParser<T>(string reply);

    private async Task<T?> CallAsync<T>(
        string operation, JsonObject args, string userMessage, int sampleIndex, ReplyParser<T> parse, CancellationToken cancellationToken)
    {
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, OperationPrompts.OptimizerSystem),
            new(ChatRole.User, userMessage),
        };
        string reply = string.Empty;
        string? problem = null;
        for (int attempt = 0; attempt < 2; attempt++)
        {
            int sample = attempt == 0 ? sampleIndex : sampleIndex + Options.RetrySampleOffset;
            var chatOptions = new ChatOptions { Temperature = Options.Temperature, MaxOutputTokens = Options.MaxOutputTokens }
                .WithPromptOpt(ModelRoles.Optimizer, new LlmOperation(operation, args), sample);
            var response = await Optimizer.GetResponseAsync(messages, chatOptions, cancellationToken).ConfigureAwait(false);
            reply = response.Text ?? string.Empty;
            (var value, problem) = parse(reply);
            if (problem is null)
            {
                return value;
            }
        }

        Interlocked.Increment(ref _drops);
        Options.OnDrop?.Invoke(new OperationDrop(operation, problem!, sampleIndex, reply));
        return default;
    }

    private static ReplyParser<string> Tag(string tag) => reply =>
        TagParser.Extract(reply, tag) is { } text ? (text, null) : (null, $"missing <{tag}> tag");

    private static ReplyParser<string> UserPromptTag(string tag) => reply =>
    {
        var text = TagParser.Extract(reply, tag);
        return text is null ? (null, $"missing <{tag}> tag") : (text, PromptValidation.CheckUser(text));
    };

    private static ReplyParser<IReadOnlyList<string>> Tags(string tag, int max, bool numberedFallback = false) => reply =>
    {
        var items = TagParser.ExtractAll(reply, tag);
        if (items.Count == 0 && numberedFallback)
        {
            items = TagParser.ParseNumberedList(reply);
        }

        return items.Count == 0
            ? (null, $"missing <{tag}> tags")
            : (items.Take(Math.Max(1, max)).ToList(), null);
    };

    private static Dictionary<string, string> Slots(params (string Key, string Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
}
