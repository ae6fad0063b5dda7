namespace PromptOpt.Models;

/// <summary>Options of the retry middleware (<see cref="ResilientChatClient"/>).</summary>
public sealed class ModelRetryOptions
{
    /// <summary>Gets or sets the maximum number of attempts per call, the first included (1 = no retry).</summary>
    /// <value>The default is 6.</value>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Gets or sets the base delay of the exponential backoff (doubled per retry, with jitter).</summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest backoff delay.</summary>
    /// <value>The default is 60 seconds.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the longest delay honoured from a server's <c>Retry-After</c>; longer requests are shortened to it.</summary>
    /// <value>The default is 120 seconds.</value>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Gets or sets the maximum attempts of a call whose connection is refused (nothing listens at the endpoint):
    /// a few quick tries, then a clear failure, rather than the long backoff meant for overloaded servers.</summary>
    /// <value>The default is 3.</value>
    public int MaxConnectionRefusedAttempts { get; set; } = 3;

    /// <summary>Gets or sets the first delay after a refused connection (doubled per retry).</summary>
    /// <value>The default is 200 milliseconds.</value>
    public TimeSpan ConnectionRefusedDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets whether backoff delays are jittered (decorrelated), so concurrent callers do not retry in lockstep.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool UseJitter { get; set; } = true;

    /// <summary>Gets or sets the seed of the jitter draws (jitter changes timing only, never results).</summary>
    /// <value>The default is 0.</value>
    public int JitterSeed { get; set; }

    /// <summary>Gets a copy.</summary>
    /// <returns>The copy.</returns>
    public ModelRetryOptions Clone() => (ModelRetryOptions)MemberwiseClone();

    /// <summary>Throws when an option is out of range, listing every problem in one message.</summary>
    /// <exception cref="ArgumentException">One or more options are invalid.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (MaxAttempts is < 1 or > 100)
        {
            errors.Add($"MaxAttempts must be in [1, 100] (was {MaxAttempts})");
        }

        if (BaseDelay < TimeSpan.Zero || BaseDelay > TimeSpan.FromHours(1))
        {
            errors.Add($"BaseDelay must be in [0, 1 h] (was {BaseDelay})");
        }

        if (MaxDelay < BaseDelay || MaxDelay > TimeSpan.FromHours(1))
        {
            errors.Add($"MaxDelay must be in [BaseDelay, 1 h] (was {MaxDelay})");
        }

        if (MaxRetryAfter < TimeSpan.Zero || MaxRetryAfter > TimeSpan.FromHours(1))
        {
            errors.Add($"MaxRetryAfter must be in [0, 1 h] (was {MaxRetryAfter})");
        }

        if (MaxConnectionRefusedAttempts < 1 || MaxConnectionRefusedAttempts > MaxAttempts)
        {
            errors.Add($"MaxConnectionRefusedAttempts must be in [1, MaxAttempts] (was {MaxConnectionRefusedAttempts})");
        }

        if (ConnectionRefusedDelay < TimeSpan.Zero || ConnectionRefusedDelay > TimeSpan.FromMinutes(1))
        {
            errors.Add($"ConnectionRefusedDelay must be in [0, 1 min] (was {ConnectionRefusedDelay})");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid retry options: " + string.Join("; ", errors));
        }
    }
}
