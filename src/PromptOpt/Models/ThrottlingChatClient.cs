using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace PromptOpt.Models;

/// <summary>Limits how many calls run concurrently through it; callers beyond the limit wait (cancellably) for a slot.</summary>
/// <remarks>
/// Calls made under the <see cref="ModelRoles.Test"/> role (final test scoring, not charged to the budget) wait in a
/// background lane: they get a slot only while no other call waits for one, so work that waits for no score fills the
/// slots an optimization leaves idle without delaying it (issue 17). Otherwise first come, first served.
/// It sits below the cache, so cache hits never wait for a slot, and above the retry, so a call waiting out a
/// <c>Retry-After</c> keeps its slot (backing off as a whole). Thread-safe.
/// </remarks>
public sealed class ThrottlingChatClient : DelegatingChatClient
{
    private readonly SlotGate _slots;

    /// <summary>Initializes a new instance of the <see cref="ThrottlingChatClient"/> class.</summary>
    /// <param name="innerClient">The inner client.</param>
    /// <param name="maxConcurrency">The maximum number of concurrent calls (at least 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is less than 1.</exception>
    public ThrottlingChatClient(IChatClient innerClient, int maxConcurrency)
        : base(innerClient)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        MaxConcurrency = maxConcurrency;
        _slots = new SlotGate(maxConcurrency);
    }

    /// <summary>Gets the maximum number of concurrent calls.</summary>
    public int MaxConcurrency { get; }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        await _slots.WaitAsync(options.GetRole() == ModelRoles.Test, cancellationToken).ConfigureAwait(false);
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>Holds a slot for one non-streaming call and returns it as updates.</remarks>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }
}
