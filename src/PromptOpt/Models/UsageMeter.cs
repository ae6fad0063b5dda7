using System.Collections.Concurrent;

namespace PromptOpt.Models;

/// <summary>
/// Thread-safe usage counters per role, with budget enforcement. The usage-metering middleware calls
/// <see cref="Reserve"/> before each call (so concurrent callers can never overshoot a call budget by more than the
/// calls already in flight) and <see cref="Record"/> after it.
/// </summary>
public sealed class UsageMeter
{
    private readonly ConcurrentDictionary<string, Counters> _roles = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Initializes a new instance of the <see cref="UsageMeter"/> class.</summary>
    /// <param name="budget">The budget, or <see langword="null"/> for none.</param>
    /// <param name="prices">The price table, or <see langword="null"/> for <see cref="PriceTable.Default"/>.</param>
    public UsageMeter(OptimizationBudget? budget = null, PriceTable? prices = null)
    {
        Budget = budget ?? OptimizationBudget.Unlimited;
        Prices = prices ?? PriceTable.Default;
    }

    /// <summary>Gets the budget.</summary>
    public OptimizationBudget Budget { get; }

    /// <summary>Gets the price table.</summary>
    public PriceTable Prices { get; }

    /// <summary>Gets the number of calls currently in flight (reserved, not yet recorded).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    private int _inFlight;

    /// <summary>Reserves one call for <paramref name="role"/>, or throws when the budget does not allow it.</summary>
    /// <param name="role">The role.</param>
    /// <exception cref="BudgetExhaustedException">The budget is spent.</exception>
    public void Reserve(string role)
    {
        ArgumentNullException.ThrowIfNull(role);
        lock (_gate)
        {
            if (ExhaustedReason(role) is { } reason)
            {
                throw new BudgetExhaustedException(reason);
            }

            var c = _roles.GetOrAdd(role, _ => new Counters());
            c.Calls++;
            _inFlight++;
        }
    }

    /// <summary>Releases a reservation for a call that failed (the call still counts as made).</summary>
    public void Release()
    {
        lock (_gate)
        {
            _inFlight--;
        }
    }

    /// <summary>Records the outcome of a reserved call.</summary>
    /// <param name="role">The role.</param>
    /// <param name="modelId">The model id (for pricing).</param>
    /// <param name="inputTokens">Input tokens.</param>
    /// <param name="outputTokens">Output tokens.</param>
    /// <param name="cacheHit">Whether it was served from the cache.</param>
    public void Record(string role, string? modelId, long inputTokens, long outputTokens, bool cacheHit)
    {
        ArgumentNullException.ThrowIfNull(role);
        var cost = Prices.Estimate(modelId, inputTokens, outputTokens);
        lock (_gate)
        {
            var c = _roles.GetOrAdd(role, _ => new Counters());
            _inFlight--;
            if (cacheHit)
            {
                c.Cached++;
            }
            else
            {
                c.Paid++;
                c.PaidIn += inputTokens;
                c.PaidOut += outputTokens;
                c.Dollars += cost;
            }

            c.In += inputTokens;
            c.Out += outputTokens;
            c.BudgetDollars += cost;
        }
    }

    /// <summary>Counts one retry for <paramref name="role"/>.</summary>
    /// <param name="role">The role.</param>
    public void RecordRetry(string role)
    {
        lock (_gate)
        {
            _roles.GetOrAdd(role ?? ModelRoles.Task, _ => new Counters()).Retries++;
        }
    }

    /// <summary>Gets a consistent snapshot of the usage.</summary>
    /// <returns>The snapshot.</returns>
    public UsageSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new UsageSnapshot(_roles.ToDictionary(
                kv => kv.Key,
                kv => new RoleUsage(kv.Value.Calls, kv.Value.Paid, kv.Value.Cached, kv.Value.In, kv.Value.Out, kv.Value.PaidIn, kv.Value.PaidOut, kv.Value.Dollars, kv.Value.Retries),
                StringComparer.Ordinal));
        }
    }

    /// <summary>Gets why the budget does not allow another call for <paramref name="role"/>, or <see langword="null"/> if it does.</summary>
    /// <param name="role">The role.</param>
    /// <returns>The reason, or <see langword="null"/>.</returns>
    public string? ExhaustedReason(string role)
    {
        lock (_gate)
        {
            long Calls(Func<string, bool> which) => _roles.Where(kv => which(kv.Key)).Sum(kv => kv.Value.Calls);
            if (role == ModelRoles.Test)
            {
                return null; // final test scoring is reported, not charged to the optimization budget
            }

            bool isOptimizer = role == ModelRoles.Optimizer;
            bool chargedToCalls = role != ModelRoles.Embedding; // embeddings count towards tokens and dollars only
            if (chargedToCalls && !isOptimizer && Budget.MaxTaskCalls is { } mt && Calls(r => r is ModelRoles.Task or ModelRoles.Agent) >= mt)
            {
                return $"task-call budget of {mt} spent";
            }

            if (isOptimizer && Budget.MaxOptimizerCalls is { } mo && Calls(r => r == ModelRoles.Optimizer) >= mo)
            {
                return $"optimizer-call budget of {mo} spent";
            }

            var charged = _roles.Where(kv => kv.Key != ModelRoles.Test).Select(kv => kv.Value).ToList();
            if (Budget.MaxTokens is { } mk && charged.Sum(c => c.In + c.Out) >= mk)
            {
                return $"token budget of {mk} spent";
            }

            if (Budget.MaxDollars is { } md && charged.Sum(c => c.BudgetDollars) >= md)
            {
                return $"dollar budget of ${md} spent";
            }

            return null;
        }
    }

    /// <summary>Gets how many more calls of <paramref name="role"/> the call budget allows (<see cref="long.MaxValue"/> if unlimited).</summary>
    /// <param name="role">The role.</param>
    /// <returns>The remaining calls.</returns>
    public long RemainingCalls(string role)
    {
        lock (_gate)
        {
            bool isOptimizer = role == ModelRoles.Optimizer;
            long? max = isOptimizer ? Budget.MaxOptimizerCalls : Budget.MaxTaskCalls;
            if (max is null)
            {
                return long.MaxValue;
            }

            long used = _roles.Where(kv => isOptimizer ? kv.Key == ModelRoles.Optimizer : kv.Key is ModelRoles.Task or ModelRoles.Agent).Sum(kv => kv.Value.Calls);
            return Math.Max(0, max.Value - used);
        }
    }

    private sealed class Counters
    {
        public long Calls;
        public long Paid;
        public long Cached;
        public long In;
        public long Out;
        public long PaidIn;
        public long PaidOut;
        public decimal Dollars;
        public decimal BudgetDollars;
        public long Retries;
    }
}
