using System.Globalization;
using System.Text.Json.Nodes;
using PromptOpt.Reporting;

namespace PromptOpt.Optimizers.DualPhase;

/// <summary>
/// Records what the report's Dual-Phase section reads (<c>Reporting/README-details.md</c>): the sentence weights after
/// every step (<see cref="ReportDetailKeys.SentenceWeights"/>), every evaluated rewrite (<see cref="ReportDetailKeys.Edits"/>)
/// and the acceptance rate (<see cref="DualPhaseNames.AcceptanceRateKey"/>).
/// </summary>
internal sealed class DualPhaseRecorder
{
    private readonly JsonArray _weights = [];
    private readonly JsonArray _edits = [];

    /// <summary>Gets the number of rewrites evaluated (fast check and/or full check).</summary>
    public int Attempted { get; private set; }

    /// <summary>Gets the number of rewrites accepted.</summary>
    public int Accepted { get; private set; }

    /// <summary>Gets the number of rewrites rejected by the fast check (never evaluated on V).</summary>
    public int RejectedByFastCheck { get; private set; }

    /// <summary>Gets the acceptance rate: accepted ÷ evaluated rewrites (0 when none was evaluated).</summary>
    public double AcceptanceRate => Attempted == 0 ? 0 : (double)Accepted / Attempted;

    /// <summary>Appends one <c>sentence_weights</c> entry: every editable sentence's ordinal, text and weight (not log-weight).</summary>
    /// <param name="document">The current prompt.</param>
    /// <param name="sampler">The weights.</param>
    public void SnapshotWeights(EditablePrompt document, SentenceSampler sampler)
    {
        var row = new JsonArray();
        for (int i = 0; i < document.EditableCount; i++)
        {
            row.Add(new JsonObject
            {
                ["index"] = i,
                ["text"] = document.SentenceText(i),
                ["weight"] = sampler.Weight(i),
            });
        }

        _weights.Add(row);
    }

    /// <summary>Appends one <c>edits</c> entry.</summary>
    /// <param name="step">The 1-based step.</param>
    /// <param name="proposal">The rewrite.</param>
    /// <param name="failureScore">The accuracy on F (null when the fast check is off and the V evaluation was not reached).</param>
    /// <param name="score">The score on V (null when the fast check rejected it).</param>
    /// <param name="accepted">Whether it became the new prompt.</param>
    public void AddEdit(int step, RewriteProposal proposal, double? failureScore, double? score, bool accepted)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        Attempted++;
        if (accepted)
        {
            Accepted++;
        }

        if (score is null)
        {
            RejectedByFastCheck++;
        }

        _edits.Add(new JsonObject
        {
            ["step"] = step,
            ["index"] = proposal.Ordinal,
            ["before"] = proposal.Before,
            ["after"] = proposal.After,
            ["failure_score"] = failureScore,
            ["score"] = score,
            ["accepted"] = accepted,
        });
    }

    /// <summary>A one-line summary of the acceptance so far.</summary>
    /// <returns>The summary.</returns>
    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"{Accepted} of {Attempted} rewrites accepted ({AcceptanceRate * 100:F0}%); {RejectedByFastCheck} rejected by the fast check on the previous failures");

    /// <summary>Builds the details object (deep copies, so the recorder can keep going).</summary>
    /// <param name="includeWeights">Whether to include the sentence weights (not for whole-prompt rewrites).</param>
    /// <returns>The details.</returns>
    public JsonObject ToDetails(bool includeWeights)
    {
        var details = new JsonObject();
        if (includeWeights)
        {
            details[ReportDetailKeys.SentenceWeights] = _weights.DeepClone();
        }

        details[ReportDetailKeys.Edits] = _edits.DeepClone();
        details[DualPhaseNames.AcceptanceRateKey] = AcceptanceRate;
        return details;
    }
}
