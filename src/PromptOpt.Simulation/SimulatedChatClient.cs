using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using PromptOpt.Models;

namespace PromptOpt.Simulation;

/// <summary>
/// An <see cref="IChatClient"/> answering from a <see cref="SimulatedWorld"/>: a SIMULATED model, not a real LLM.
/// Requests carrying an operation in <see cref="ChatOptionKeys.Operation"/> are optimizer (or agent) calls; all others
/// are task calls answered through the answer key. Every response has
/// <see cref="ChatOptionKeys.Simulated"/> = <see langword="true"/> in its additional properties, the model id
/// <see cref="ModelIdentity"/> (e.g. <c>sim-1@seed42</c>), and usage counted as characters / <see cref="SimOptions.CharsPerToken"/>.
/// The sample index is <see cref="ChatOptionsExtensions.GetSampleIndex"/> (0 at temperature 0).
/// </summary>
/// <remarks>
/// How a task answer is rendered: when the prompt activates <c>format</c> and contains <c>&lt;answer&gt;</c>, the reply is
/// <c>&lt;answer&gt;X&lt;/answer&gt;</c> (after one answer-free reasoning line when <c>stepwise</c> is active too); with
/// <c>format</c> but no tags, the bare answer; without <c>format</c>, 10% replies name no answer at all, 50% end in
/// "… my answer is X." and the rest are the bare answer (rates in <see cref="SimOptions"/>). X is the target when the
/// draw succeeds, else a plausible distractor. A request matching no registered example gets a reply with no answer.
/// </remarks>
public sealed class SimulatedChatClient : IChatClient
{
    /// <summary>The provider name reported in <see cref="ChatClientMetadata"/>.</summary>
    public const string ProviderName = "promptopt-simulator";

    /// <summary>Initializes a new instance of the <see cref="SimulatedChatClient"/> class.</summary>
    /// <param name="world">The simulated world.</param>
    public SimulatedChatClient(SimulatedWorld world)
    {
        World = world ?? throw new ArgumentNullException(nameof(world));
        ModelIdentity = world.Options.GetModelIdentity();
        Metadata = new ChatClientMetadata(ProviderName, null, ModelIdentity);
    }

    /// <summary>Gets the simulated world.</summary>
    public SimulatedWorld World { get; }

    /// <summary>Gets the model id this client reports (<see cref="SimOptions.GetModelIdentity"/>: name, world seed and any
    /// non-default option), so the response cache, which keys by it, keeps each world's answers apart.</summary>
    public string ModelIdentity { get; }

    /// <summary>Gets the client metadata.</summary>
    public ChatClientMetadata Metadata { get; }

    /// <inheritdoc/>
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var text = World.Respond(list, options.GetOperation(), options.GetSampleIndex());
        return Task.FromResult(CreateResponse(list, text));
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(World) ? World
            : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <summary>Counts tokens the way the simulator does: characters / <see cref="SimOptions.CharsPerToken"/>, rounded up.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The token count.</returns>
    public long CountTokens(string? text) => string.IsNullOrEmpty(text) ? 0 : (long)Math.Ceiling(text.Length / Math.Max(0.1, World.Options.CharsPerToken));

    private ChatResponse CreateResponse(IReadOnlyList<ChatMessage> messages, string text)
    {
        long input = messages.Sum(m => CountTokens(m.Text));
        long output = CountTokens(text);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = ModelIdentity,
            FinishReason = ChatFinishReason.Stop,
            ResponseId = "sim-" + StableHash.Hash(World.Seed, text, input).ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
            Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output },
            AdditionalProperties = new AdditionalPropertiesDictionary { [ChatOptionKeys.Simulated] = true },
        };
    }
}
