using System.Globalization;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using Spectre.Console;

namespace PromptOpt.Cli.Rendering;

/// <summary>
/// Shows an optimization run's progress on stderr: a live panel (step, best score, calls used of the budget, cache hits)
/// when stderr is a terminal, plain lines when it is redirected. Either way the method's call estimate and any budget
/// warning (<see cref="RunStarted"/>) appear before its first call.
/// </summary>
internal sealed class OptimizeProgressView : IProgress<OptimizationEvent>
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(250);

    private readonly CliContext _context;
    private readonly UsageMeter _meter;
    private readonly string _simulated;
    private readonly string? _valueLabel;
    private readonly int _detailWidth;
    private readonly Lock _gate = new();
    private readonly List<string> _notices = [];
    private RunStarted? _started;
    private int _step;
    private int _totalSteps;
    private string? _stepDetail;
    private double? _best;
    private int _candidates;
    private bool _live;

    /// <summary>Initializes a new instance of the <see cref="OptimizeProgressView"/> class.</summary>
    /// <param name="context">The context.</param>
    /// <param name="meter">The run's usage meter (calls used, cache hits, budget).</param>
    /// <param name="simulated">Whether scores are simulated (labelled "(simulated)").</param>
    /// <param name="valueLabel">What a step's score is, when it is not the best training score (EXPO: <c>cumulative regret</c>, <c>best loss</c>), or <see langword="null"/>.</param>
    /// <param name="detailWidth">How many characters of a step's detail to show.</param>
    public OptimizeProgressView(CliContext context, UsageMeter meter, bool simulated, string? valueLabel = null, int detailWidth = 60)
    {
        _context = context;
        _meter = meter;
        _simulated = simulated ? " (simulated)" : string.Empty;
        _valueLabel = valueLabel;
        _detailWidth = detailWidth;
    }

    /// <summary>Gets or sets the test-model calls the final scores take (not charged to the budget), or <see langword="null"/> when unknown.</summary>
    public long? TestCalls { get; init; }

    /// <summary>Gets the <see cref="RunStarted"/> event, once it arrived.</summary>
    public RunStarted? Started
    {
        get
        {
            lock (_gate)
            {
                return _started;
            }
        }
    }

    /// <summary>Runs <paramref name="work"/>, showing the live panel on a terminal.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="work">The run.</param>
    /// <returns>The run's result.</returns>
    public async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        if (!_context.ErrorIsTerminal)
        {
            await using var heartbeat = Heartbeat.Start(_context, "optimize", _meter, ProgressDetail);
            return await work();
        }

        lock (_gate)
        {
            _live = true;
        }

        try
        {
            return await _context.ErrConsole.Live(Render()).AutoClear(false).StartAsync(async live =>
            {
                var task = work();
                while (!task.IsCompleted)
                {
                    await Task.WhenAny(task, Task.Delay(Refresh));
                    live.UpdateTarget(Render());
                }

                return await task;
            });
        }
        finally
        {
            lock (_gate)
            {
                _live = false;
            }
        }
    }

    /// <inheritdoc />
    public void Report(OptimizationEvent value)
    {
        string? line = null;
        lock (_gate)
        {
            switch (value)
            {
                case RunStarted s:
                    _started = s;
                    line = Estimate(s) + TestCallsText() + (s.Warning is null ? string.Empty : "\nwarning: " + s.Warning);
                    break;
                case StepStarted s:
                    _step = s.Step;
                    _totalSteps = s.TotalSteps;
                    _stepDetail = s.Detail;
                    break;
                case CandidateEvaluated c:
                    _candidates++;
                    if (c.Candidate.TrainScore is { } score && (_best is null || score > _best))
                    {
                        _best = score;
                    }

                    break;
                case StepCompleted s:
                    _step = s.Step;
                    _totalSteps = Math.Max(_totalSteps, s.Step);
                    _best = s.BestTrainScore;
                    if (_valueLabel is not null && s.Detail is not null)
                    {
                        _stepDetail = s.Detail; // EXPO: the arm, reward and top arms of the step just done
                    }

                    line = StepLine(s.Step, s.BestTrainScore, s.Usage, s.Detail);
                    break;
                case RunNotice n:
                    _notices.Add(n.Message);
                    line = "note: " + n.Message;
                    break;
                case RunCompleted c:
                    line = "stopped: " + c.StopReason;
                    break;
            }

            if (_live)
            {
                // The panel shows it; the warning is repeated after the run by the final output.
                line = null;
            }
        }

        if (line is not null)
        {
            lock (_context.Err)
            {
                _context.Err.WriteLine(line);
                _context.Err.Flush();
            }
        }
    }

    private string TestCallsText() => TestCalls is { } n and > 0
        ? $"; then ~{TextFormat.Int(n)} test calls for the final scores (start and best prompt; not charged to the budget, paid even with a zero budget)"
        : string.Empty;

    private string ProgressDetail()
    {
        lock (_gate)
        {
            var of = _totalSteps > 0 ? "/" + TextFormat.Int(_totalSteps) : string.Empty;
            return $"step {TextFormat.Int(_step)}{of}, {TextFormat.Int(_candidates)} candidates";
        }
    }

    /// <summary>Formats the call estimate of <paramref name="s"/>.</summary>
    /// <param name="s">The event.</param>
    /// <returns>The line.</returns>
    public static string Estimate(RunStarted s) =>
        $"estimated calls: ~{TextFormat.Int(s.EstimatedTaskCalls)} task, ~{TextFormat.Int(s.EstimatedOptimizerCalls)} optimizer ({s.Method})";

    private string StepLine(int step, double best, UsageSnapshot usage, string? detail)
    {
        var of = _totalSteps > 0 ? "/" + TextFormat.Int(_totalSteps) : string.Empty;
        var value = _valueLabel is null ? $"best {TextFormat.Score(best)} (train)" : $"{_valueLabel} {TextFormat.Score(best)}";
        return $"step {TextFormat.Int(step)}{of}  {value}{_simulated}  calls: {CallsText(usage)}"
            + (string.IsNullOrWhiteSpace(detail) ? string.Empty : "  " + TextFormat.Excerpt(detail, _detailWidth));
    }

    private string CallsText(UsageSnapshot usage)
    {
        var budget = _meter.Budget;
        var task = usage.For(ModelRoles.Task).Add(usage.For(ModelRoles.Agent));
        var opt = usage.For(ModelRoles.Optimizer);
        var total = usage.Total;
        return $"task {Used(task.Calls, budget.MaxTaskCalls)}, optimizer {Used(opt.Calls, budget.MaxOptimizerCalls)}; cache hits {TextFormat.Int(total.CachedCalls)}";
    }

    private static string Used(long used, long? max) => max is { } m ? $"{TextFormat.Int(used)}/{TextFormat.Int(m)}" : TextFormat.Int(used);

    private Panel Render()
    {
        lock (_gate)
        {
            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            void Row(string label, string value) => grid.AddRow(new Markup($"[bold]{Markup.Escape(label)}[/]"), new Text(value));
            Row("method", _started?.Method ?? "starting…");
            if (_started is { } s)
            {
                Row("estimate", $"~{TextFormat.Int(s.EstimatedTaskCalls)} task, ~{TextFormat.Int(s.EstimatedOptimizerCalls)} optimizer calls");
                if (s.Warning is { } w)
                {
                    grid.AddRow(new Markup("[bold yellow]warning[/]"), new Text(w));
                }
            }

            var of = _totalSteps > 0 ? " of " + TextFormat.Int(_totalSteps) : string.Empty;
            Row("step", TextFormat.Int(_step) + of + (string.IsNullOrWhiteSpace(_stepDetail) ? string.Empty : "  " + TextFormat.Excerpt(_stepDetail, _detailWidth)));
            Row(_valueLabel ?? "best", (_best is { } b ? TextFormat.Score(b) + (_valueLabel is null ? " (train)" : string.Empty) : "-") + _simulated);
            Row("candidates", TextFormat.Int(_candidates));
            var usage = _meter.Snapshot();
            Row("calls", CallsText(usage));
            Row("tokens", string.Create(CultureInfo.InvariantCulture, $"{TextFormat.Int(usage.Total.InputTokens)} in, {TextFormat.Int(usage.Total.OutputTokens)} out"));
            foreach (var n in _notices.TakeLast(3))
            {
                Row("note", TextFormat.Excerpt(n, 100));
            }

            return new Panel(grid).Header("promptopt optimize").Border(BoxBorder.Rounded);
        }
    }
}
