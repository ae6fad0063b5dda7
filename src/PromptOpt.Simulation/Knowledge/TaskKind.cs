namespace PromptOpt.Simulation;

/// <summary>The kind of a task, which sets the generic skills' weights (SIMULATOR.md v2, "Task role").</summary>
public enum TaskKind
{
    /// <summary>Reasoning (the default): format 0.6, stepwise 0.5, verify 0.3, focus 0.2.</summary>
    Reasoning,

    /// <summary>Classification: format 0.6, stepwise 0.1, verify 0.1, focus 0.2, label definitions 0.5.</summary>
    Classification,
}
