using PromptOpt.Data;
using PromptOpt.Prompts;

namespace PromptOpt.Optimizers.MetaSpo;

/// <summary>
/// Writes MetaSPO's user and system candidates with the shared operations (ALGORITHMS.md 3.3): analyse → generate, or
/// APE-style induction for the "MetaSPO w/ APE" variant. A reply missing its tag or (user prompts) the question
/// placeholder is retried once, then dropped by <see cref="PromptOperations"/> (ALGORITHMS.md 3.7 pitfalls 1–2): the
/// methods return <see langword="null"/>.
/// </summary>
internal sealed class MetaSpoWriter(PromptOperations ops)
{
    /// <summary>User Analyzer → User Generator (Tables 6–7) on the failures of u0, the system prompt fixed.</summary>
    public async Task<string?> UserAsync(string system, string user, IReadOnlyList<FailureCase> failures, int sample, CancellationToken cancellationToken)
    {
        var prompt = new Prompt(system, user);
        var analysis = await ops.AnalyzeFailuresAsync(prompt, failures, PromptTarget.User, sample, cancellationToken).ConfigureAwait(false);
        if (analysis is null)
        {
            return null;
        }

        var generated = await ops.GenerateFromAnalysisAsync(prompt, analysis, failures, PromptTarget.User, sample, cancellationToken).ConfigureAwait(false);
        return generated?.User;
    }

    /// <summary>MetaSPO w/ APE user candidate [C]: an instruction induced from demos, then the task's answer-format line.</summary>
    public async Task<string?> UserApeAsync(TaskDefinition task, IReadOnlyList<Example> demos, int sample, CancellationToken cancellationToken)
    {
        var induced = await ops.InduceInstructionAsync(demos, sample, cancellationToken).ConfigureAwait(false);
        return induced is null ? null : MetaSpoPrompts.WithAnswerFormat(induced.User, task);
    }

    /// <summary>System Analyzer → System Generator (Tables 8–9) on failures pooled from every task.</summary>
    public async Task<string?> SystemAsync(string system, IReadOnlyList<FailureCase> pool, int sample, CancellationToken cancellationToken)
    {
        // The user part is the bare placeholder: each pooled failure carries its own task's user prompt (MetaSpoSampling.InContext).
        var prompt = new Prompt(system, Prompt.QuestionPlaceholder);
        var analysis = await ops.AnalyzeFailuresAsync(prompt, pool, PromptTarget.System, sample, cancellationToken).ConfigureAwait(false);
        if (analysis is null)
        {
            return null;
        }

        var generated = await ops.GenerateFromAnalysisAsync(prompt, analysis, pool, PromptTarget.System, sample, cancellationToken).ConfigureAwait(false);
        return string.IsNullOrWhiteSpace(generated?.System) ? null : generated.System.Trim();
    }

    /// <summary>MetaSPO w/ APE system candidate [C]: an instruction induced from demos pooled over the source tasks.</summary>
    public async Task<string?> SystemApeAsync(IReadOnlyList<Example> demos, int sample, CancellationToken cancellationToken)
    {
        var induced = await ops.InduceInstructionAsync(demos, sample, cancellationToken).ConfigureAwait(false);
        return induced is null || induced.Instruction.Length == 0 ? null : induced.Instruction;
    }
}
