using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Models;
using PromptOpt.Storage;

namespace PromptOpt.Cli;

/// <summary>
/// Construction of the things commands use — tasks, stores, models — in one place, so each command only delegates.
/// Every method validates its input and throws <see cref="PromptOptInputException"/> for bad input, before any model call.
/// </summary>
internal sealed partial class CliContext
{
    /// <summary>Lists the built-in tasks.</summary>
    /// <param name="seed">The generator seed.</param>
    /// <returns>The tasks.</returns>
    public IReadOnlyList<TaskDefinition> ListBuiltInTasks(int seed) => throw NotWired("Data.BuiltInTasks");

    /// <summary>Resolves <c>--task</c>: a built-in task name, a dataset directory or a JSONL file.</summary>
    /// <param name="task">The argument.</param>
    /// <param name="seed">The generator seed.</param>
    /// <returns>The task.</returns>
    public TaskDefinition ResolveTask(string task, int seed) => throw NotWired("Data.TaskCatalog");

    /// <summary>Opens the store named by <c>--store</c> (else $PROMPTOPT_STORE, else .promptopt/promptopt.db).</summary>
    /// <param name="store">The option value.</param>
    /// <returns>The store.</returns>
    public CliStore OpenStore(string? store) => throw NotWired("Storage.PromptOptStore");

    /// <summary>Creates a model for <paramref name="role"/> from a spec, with the cache and usage meter around it.</summary>
    /// <param name="spec">The model spec.</param>
    /// <param name="role">The role (<see cref="ModelRoles"/>).</param>
    /// <param name="store">The store whose response cache to use.</param>
    /// <param name="meter">The usage meter.</param>
    /// <param name="seed">The simulator seed.</param>
    /// <returns>The model.</returns>
    public CliModel CreateModel(string spec, string role, CliStore store, UsageMeter meter, int seed) => throw NotWired("Models.ModelFactory");

    /// <summary>Lists the runs in <paramref name="store"/>, newest first.</summary>
    /// <param name="store">The store.</param>
    /// <param name="limit">The maximum number of runs.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The runs.</returns>
    public Task<IReadOnlyList<RunSummary>> ListRunsAsync(CliStore store, int limit, CancellationToken cancellationToken) => throw NotWired("Storage.IRunStore");

    /// <summary>Serves the simulator over HTTP until cancelled.</summary>
    /// <param name="args">The options.</param>
    /// <param name="cancellationToken">Ctrl-C.</param>
    /// <returns>The exit code.</returns>
    public Task<int> ServeSimulatorAsync(Commands.SimServerArgs args, CancellationToken cancellationToken) => throw NotWired("Simulation.SimulatorServer");

    private static NotSupportedException NotWired(string what) => new($"{what} is not available in this build yet.");
}

/// <summary>An opened store.</summary>
/// <param name="Path">The database path.</param>
/// <param name="Cache">The response cache.</param>
internal sealed record CliStore(string Path, IResponseCache Cache) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        (Cache as IDisposable)?.Dispose();
    }
}

/// <summary>A model ready to call.</summary>
/// <param name="Client">The client (with middleware).</param>
/// <param name="Spec">The spec as given.</param>
/// <param name="Simulated">Whether answers come from the simulator (every output then says "(simulated)").</param>
internal sealed record CliModel(IChatClient Client, string Spec, bool Simulated);

/// <summary>One run as <c>promptopt runs</c> lists it.</summary>
/// <param name="Id">The run id.</param>
/// <param name="Status">The status.</param>
/// <param name="Method">The method.</param>
/// <param name="Task">The task.</param>
/// <param name="Score">The best score, if any.</param>
internal sealed record RunSummary(string Id, string Status, string Method, string Task, double? Score)
{
    /// <summary>Gets the JSON form.</summary>
    /// <returns>The object.</returns>
    public System.Text.Json.Nodes.JsonObject ToJson() => new()
    {
        ["id"] = Id, ["status"] = Status, ["method"] = Method, ["task"] = Task, ["score"] = Score,
    };

    /// <summary>Gets the plain-text line.</summary>
    /// <returns>The line.</returns>
    public string ToLine() => $"{Id}\t{Status}\t{Method}\t{Task}\t{(Score is { } s ? Rendering.TextFormat.Score(s) : "-")}";
}
