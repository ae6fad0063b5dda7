namespace PromptOpt.Prompts;

/// <summary>Which part of a prompt an analysis or generation works on.</summary>
public enum PromptTarget
{
    /// <summary>The user prompt (with the question placeholder); the system prompt is context only.</summary>
    User,

    /// <summary>The system prompt, meant to generalise across tasks (MetaSPO's system-level optimizer).</summary>
    System,

    /// <summary>The whole prompt as one text (system and user joined); the result is a user-only prompt.</summary>
    Whole,
}

/// <summary>What <see cref="PromptOperations.GenerateVariantsAsync"/> writes variants of.</summary>
public enum VariantKind
{
    /// <summary>A task description (EXPO's D).</summary>
    TaskDescription,

    /// <summary>A meta-instruction (EXPO's I).</summary>
    MetaInstruction,
}

/// <summary>An instruction with the score it got (OPRO's history).</summary>
/// <param name="Instruction">The instruction text (without the question placeholder).</param>
/// <param name="Score">The score in [0, 1].</param>
public sealed record ScoredInstruction(string Instruction, double Score);

/// <summary>A candidate an operation dropped because the reply was unusable after one retry.</summary>
/// <param name="Operation">The operation name (see <see cref="OperationNames"/>).</param>
/// <param name="Reason">Why it was dropped, e.g. "missing &lt;prompt&gt; tag" or "lost the {question} placeholder".</param>
/// <param name="SampleIndex">The sample index of the original attempt.</param>
/// <param name="Reply">The last reply text.</param>
public sealed record OperationDrop(string Operation, string Reason, int SampleIndex, string Reply);
