using Microsoft.Extensions.AI;
using PromptOpt.Models;

namespace PromptOpt.Decision;

/// <summary>
/// The LLM agent loop (ALGORITHMS.md §1.2 steps 3.3–3.5): render the meta-prompt Q = D + E + I, call the agent model,
/// parse its action, step the environment and record the history.
/// </summary>
/// <remarks>Each step makes exactly one agent-model call, tagged with role <see cref="ModelRoles.Agent"/>, the
/// <see cref="AgentOperation"/> and the step index as sample index.</remarks>
public sealed class AgentRunner
{
    private readonly IChatClient _agent;

    /// <summary>Initializes a new instance of the <see cref="AgentRunner"/> class.</summary>
    /// <param name="agent">The agent model (already wrapped in the middleware pipeline).</param>
    /// <param name="options">The options, or <see langword="null"/> for defaults.</param>
    public AgentRunner(IChatClient agent, AgentRunnerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        _agent = agent;
        Options = options ?? new();
    }

    /// <summary>Gets the options.</summary>
    public AgentRunnerOptions Options { get; }

    /// <summary>Runs one step: the agent acts once in <paramref name="environment"/> under <paramref name="metaPrompt"/>.</summary>
    /// <param name="environment">The environment.</param>
    /// <param name="metaPrompt">The (D, I) pair.</param>
    /// <param name="exemplarSelection">The exemplar pool indices to show (EXPO-ES), or <see langword="null"/> for the default block.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The step record (an unparseable reply scores 0 and is counted by the environment).</returns>
    /// <exception cref="BudgetExhaustedException">The budget does not allow another agent call.</exception>
    public async Task<StepRecord> StepAsync(
        DecisionEnvironment environment,
        MetaPrompt metaPrompt,
        IReadOnlyList<int>? exemplarSelection = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(metaPrompt);
        var text = metaPrompt.Render(environment.RenderExemplars(exemplarSelection));
        var options = new ChatOptions { Temperature = Options.Temperature, MaxOutputTokens = Options.MaxOutputTokens }
            .WithPromptOpt(ModelRoles.Agent, AgentOperation.Create(environment, exemplarSelection), sampleIndex: environment.StepCount + Options.SampleIndexOffset);
        var response = await _agent.GetResponseAsync([new ChatMessage(ChatRole.User, text)], options, cancellationToken).ConfigureAwait(false);
        return environment.Step(response.Text ?? string.Empty);
    }

    /// <summary>Runs the agent with a fixed meta-prompt for <paramref name="steps"/> steps (the environment's horizon by default).</summary>
    /// <param name="environment">The environment.</param>
    /// <param name="metaPrompt">The (D, I) pair.</param>
    /// <param name="steps">The number of steps, or <see langword="null"/> for <see cref="DecisionEnvironment.Horizon"/>.</param>
    /// <param name="progress">Receives each step record, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The run result; a spent budget ends the run early with stop reason <c>budget</c>.</returns>
    public async Task<AgentRunResult> RunAsync(
        DecisionEnvironment environment,
        MetaPrompt metaPrompt,
        int? steps = null,
        IProgress<StepRecord>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        int n = steps ?? environment.Horizon;
        string stop = "completed";
        for (int t = 0; t < n; t++)
        {
            try
            {
                var record = await StepAsync(environment, metaPrompt, null, cancellationToken).ConfigureAwait(false);
                progress?.Report(record);
            }
            catch (BudgetExhaustedException)
            {
                stop = "budget";
                break;
            }
        }

        return new AgentRunResult(environment.Name, environment.Steps.ToArray(), environment.PerformanceMeasureName,
            environment.Performance, environment.CumulativeReward, environment.ParseFailures, stop);
    }
}
