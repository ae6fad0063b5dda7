namespace PromptOpt.Simulation;

/// <summary>The simulated agent's part of the simulator options (SIMULATOR.md "Agent role").</summary>
public sealed partial class SimOptions
{
    /// <summary>Gets or sets the simulated agent's knobs (exploration bonus, temperature, step sizes, …).</summary>
    /// <value>The default is <c>new AgentSimOptions()</c>.</value>
    public AgentSimOptions Agent { get; set; } = new();
}
