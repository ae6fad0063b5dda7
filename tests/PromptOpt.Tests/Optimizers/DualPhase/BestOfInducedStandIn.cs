using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Prompts;

namespace PromptOpt.Tests.Optimizers.DualPhase;

/// <summary>
/// STAND-IN for the APE/OPRO/ProTeGi baselines, which were not on main when these tests were written: "best of N induced
/// instructions" (APE-lite). It induces an instruction from 5 random demos, scores it on V, keeps the best, and repeats
/// until the budget is spent. The lead should switch the comparison test to the real baselines once they land.
/// </summary>
internal static class BestOfInducedStandIn
{
    public static async Task<OptimizationResult> RunAsync(OptimizationRequest request)
    {
        var session = new OptimizationSession("stand-in:best-of-induced", request);
        var ops = new PromptOperations(request.OptimizerModel);
        var v = session.TrainSet;
        var start = session.StartPrompt;
        var startScore = (await session.EvaluateAsync(start, v)).Score;
        session.AddCandidate(start, startScore, null, "start", 0, true);
        var (best, bestScore) = (start, startScore);
        string stop = "completed";
        try
        {
            for (int i = 0; i < 200; i++)
            {
                var order = Enumerable.Range(0, v.Count).ToArray();
                session.Rng.Shuffle(order);
                var p = await ops.InduceInstructionAsync(order.Take(5).Select(k => v[k]).ToList(), i);
                if (p is null || session.HasSeen(p))
                {
                    continue;
                }

                var score = (await session.EvaluateAsync(p, v)).Score;
                session.AddCandidate(p, score, null, "induce_instruction", i + 1, score > bestScore);
                if (score > bestScore)
                {
                    (best, bestScore) = (p, score);
                }
            }
        }
        catch (BudgetExhaustedException)
        {
            stop = "budget";
        }

        return await session.FinishAsync(best, startScore, bestScore, stop);
    }
}
