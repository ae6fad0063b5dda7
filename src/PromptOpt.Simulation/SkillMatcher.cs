namespace PromptOpt.Simulation;

/// <summary>Decides whether prompt text activates a skill: it contains one of the skill's trigger phrasings (case-insensitive).</summary>
public static class SkillMatcher
{
    /// <summary>Returns whether <paramref name="text"/> contains any trigger.</summary>
    /// <param name="text">The prompt text.</param>
    /// <param name="triggers">The trigger phrasings.</param>
    /// <returns><see langword="true"/> when a trigger occurs.</returns>
    public static bool IsActive(string? text, IEnumerable<string> triggers)
    {
        ArgumentNullException.ThrowIfNull(triggers);
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        foreach (var t in triggers)
        {
            if (t.Length > 0 && text.Contains(t, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
