using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Models;
using PromptOpt.Simulation;
using PromptOpt.Storage;

namespace PromptOpt.Cli;

/// <summary>
/// A provider stand-in that never calls the provider: every request must be answered by the response cache in front
/// of it (which computes its keys from this client's metadata, i.e. the real provider's). Used to re-read evaluations
/// a run already paid for (the report's failures) without any chance of paying again.
/// </summary>
internal sealed class CacheOnlyChatClient(IChatClient provider) : DelegatingChatClient(provider)
{
    /// <summary>Builds a cache-only model for a resolved spec over <paramref name="cache"/>, or <see langword="null"/> when the spec cannot be built here (e.g. its key is not set).</summary>
    /// <param name="context">The context (environment).</param>
    /// <param name="spec">The resolved model spec as recorded with the run.</param>
    /// <param name="cache">The response cache.</param>
    /// <param name="seed">The simulator's seed.</param>
    /// <param name="tasks">The tasks the simulator knows.</param>
    /// <returns>The model, or <see langword="null"/>.</returns>
    public static IChatClient? TryCreate(CliContext context, string spec, IResponseCache cache, int seed, IEnumerable<TaskDefinition> tasks)
    {
        try
        {
            var options = new ModelPipelineOptions
            {
                Environment = context.Environment,
                SimulatorFactory = SimulatorModels.CreateFactory(tasks, new SimOptions { Seed = seed }),
            };
            var provider = ModelFactory.CreateProvider(ModelSpec.Parse(spec), options);
            return new ChatClientBuilder(new CacheOnlyChatClient(provider)).UseResponseCache(cache).Build();
        }
        catch (PromptOptInputException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("the response is not in the cache (cache-only model)");

    /// <inheritdoc />
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("the response is not in the cache (cache-only model)");
}
