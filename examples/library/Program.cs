// PromptOpt from C#: any IChatClient, a task, a method and a budget -> the best prompt. See README.md, "Use it from C#".
using Microsoft.Extensions.AI;
using OpenAI;
using PromptOpt;
using PromptOpt.Data;
using PromptOpt.Evaluation.Metrics;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Simulation;

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };

// 1. A task: labelled examples from a JSONL file (split into train and test by the seed) ...
TaskDefinition task = TaskCatalog.Resolve(Path.Combine(AppContext.BaseDirectory, "data", "tickets.jsonl"), seed: 42);

// ... scored by your own metric: a lambda (or a class implementing IMetric). Here: the answer (the <answer> tag, or the
// text after "answer is") must be the label word, case-insensitively.
task = task.WithMetric(new DelegateMetric("label_word", (response, example) =>
    string.Equals(AnswerExtractor.ExtractAnswer(response).Trim(' ', '.'), example.Target, StringComparison.OrdinalIgnoreCase) ? 1 : 0));

// 2. Any IChatClient: OpenAI, Azure OpenAI, Ollama (OpenAI-compatible) ... or PromptOpt's offline simulator.
IChatClient model = Environment.GetEnvironmentVariable("OPENAI_API_KEY") is { Length: > 0 } key
    ? new OpenAIClient(key).GetChatClient("gpt-4o-mini").AsIChatClient()
    : SimulatorModels.Create([task]); // answers are SIMULATED

// 3. A method and a budget; progress as it goes.
OptimizationResult result = await PromptOptimizer.OptimizeAsync(model, task, new PromptOptimizerOptions
{
    Method = "dual-phase",
    MethodOptions = new Dictionary<string, string> { ["max-steps"] = "2" },
    Budget = new OptimizationBudget { MaxTaskCalls = 400, MaxOptimizerCalls = 30 },
    TrainSize = 10,
    TestSize = 10,
    Progress = new ConsoleProgress(),
}, cts.Token);

// 4. The best prompt.
Console.WriteLine($"best prompt ({result.Method}, stopped: {result.StopReason}):");
Console.WriteLine(result.BestPrompt.FullText);
Console.WriteLine($"test {task.Metric.Name}: {result.StartTestScore:0.000} -> {result.BestTestScore:0.000}; " +
    $"{result.Usage.Total.Calls} calls ({result.Usage.Total.CachedCalls} cached)");

/// <summary>Prints each scored candidate and each finished step (IProgress is called on the optimizer's thread, in order).</summary>
internal sealed class ConsoleProgress : IProgress<OptimizationEvent>
{
    public void Report(OptimizationEvent value)
    {
        switch (value)
        {
            case CandidateEvaluated { Candidate: var c }:
                Console.WriteLine($"candidate {c.Id} ({c.Operation}, step {c.Step}): train score {c.TrainScore:0.000}");
                break;
            case StepCompleted step:
                Console.WriteLine($"step {step.Step}: best train score {step.BestTrainScore:0.000}, {step.Usage.Total.Calls} calls");
                break;
        }
    }
}
