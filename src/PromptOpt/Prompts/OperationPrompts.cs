using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PromptOpt.Data;

namespace PromptOpt.Prompts;

/// <summary>
/// The templates the shared operations send to the optimizer model, in our own words (roles from ALGORITHMS.md 2.3,
/// 3.3 and 4.2). Slots are written <c>{{NAME}}</c> and filled in one pass, so slot-like text inside a value is kept
/// verbatim. Each template names the tag its answer must be in.
/// </summary>
internal static class OperationPrompts
{
    /// <summary>The system message of every optimizer call.</summary>
    public const string OptimizerSystem = """
        You are an expert prompt engineer. You study how a language model behaves on a task and write instructions
        that make it answer correctly. Follow the requested output format exactly.
        """;

    /// <summary>The five sections of the Dual-Phase initial prompt (ALGORITHMS.md 2.2, phase 1).</summary>
    public static readonly IReadOnlyList<string> InitialSkeleton =
    [
        "Task type",
        "Detailed task description",
        "Output format and constraints",
        "Reasoning process",
        "Tips",
    ];

    public const string AnalyzeFailures = """
        A language model was given the prompt below and answered some examples wrongly. Work out what the prompt
        is missing or gets wrong, so that a better prompt can be written.

        {{FOCUS}}

        Current system prompt:
        <system_prompt>
        {{SYSTEM}}
        </system_prompt>

        Current user prompt ({question} is replaced by each example's input):
        <user_prompt>
        {{USER}}
        </user_prompt>

        Examples the model got wrong:
        {{FAILURES}}

        For each problem you find, say what instruction would have prevented it. Write your whole analysis inside
        <analysis></analysis> tags.
        """;

    public const string FocusUser = "Focus only on the user prompt; treat the system prompt as fixed.";

    public const string FocusSystem = """
        Focus only on the system prompt. It is shared by many different tasks, so look for general weaknesses that
        these failures (which come from several tasks) have in common, not for task-specific details.
        """;

    public const string FocusWhole = "Consider the system prompt and the user prompt together as one prompt.";

    public const string GenerateUser = """
        Below are a prompt, examples it answered wrongly, and an analysis of its shortcomings. Write an improved user
        prompt that fixes the problems the analysis describes.

        System prompt (fixed):
        <system_prompt>
        {{SYSTEM}}
        </system_prompt>

        Current user prompt:
        <user_prompt>
        {{USER}}
        </user_prompt>

        Examples answered wrongly:
        {{FAILURES}}

        Analysis:
        {{ANALYSIS}}

        The improved user prompt must contain the literal placeholder {question} exactly where the input goes.
        Write only the improved user prompt, inside <improved_instruction_prompt></improved_instruction_prompt> tags.
        """;

    public const string GenerateSystem = """
        Below are a system prompt that is shared by many tasks and an analysis of why it falls short. Write an
        improved system prompt that fixes these weaknesses and still applies to any task.

        Current system prompt:
        <system_prompt>
        {{SYSTEM}}
        </system_prompt>

        Analysis:
        {{ANALYSIS}}

        Write only the improved system prompt, inside <improved_system_prompt></improved_system_prompt> tags.
        """;

    public const string GenerateWhole = """
        Below are a prompt, examples it answered wrongly, and an analysis of its shortcomings. Write an improved
        prompt that fixes the problems the analysis describes.

        Current prompt:
        <current_prompt>
        {{TEXT}}
        </current_prompt>

        Examples answered wrongly:
        {{FAILURES}}

        Analysis:
        {{ANALYSIS}}

        The improved prompt must contain the literal placeholder {question} exactly where the input goes.
        Write only the improved prompt, inside <prompt></prompt> tags.
        """;

    public const string RewriteSentence = """
        A language model was given the prompt below and answered the listed examples wrongly. Compare each wrong
        output with the expected one, and revise the marked sentence so that the model understands the task better.

        Full prompt:
        <current_prompt>
        {{TEXT}}
        </current_prompt>

        Examples answered wrongly:
        {{FAILURES}}

        Sentence to revise (sentence {{INDEX}} of the prompt):
        <original_sentence>
        {{SENTENCE}}
        </original_sentence>

        Reply with the revised sentence only, inside <sentence></sentence> tags. Do not repeat the rest of the prompt.
        """;

    public const string WriteInitialPrompt = """
        I gave a colleague a complete instruction for a task. Following it, they produced the correct outputs for
        these inputs:

        {{DEMOS}}

        Reconstruct the complete instruction. Organise it in these sections, each under its own markdown header:
        {{SKELETON}}
        Under "Reasoning process" give a few numbered steps if the task needs them; under "Tips" give advice an
        expert would give. Write only the instruction, with no explanation, inside <prompt></prompt> tags.
        """;

    public const string InduceInstruction = """
        I gave a friend an instruction and some inputs. The friend read the instruction and wrote an output for each
        of the inputs. Here are the input-output pairs:

        {{DEMOS}}

        What was the instruction? Write it inside <instruction></instruction> tags.
        """;

    public const string Paraphrase = """
        Write a variation of the following prompt that keeps its meaning but uses different wording.

        <current_prompt>
        {{TEXT}}
        </current_prompt>

        Keep the literal placeholder {question} exactly where the input goes. Write only the new prompt, inside
        <prompt></prompt> tags.
        """;

    public const string ProposeFromHistory = """
        Your task is to write instructions for a language model. Below are earlier instructions with their scores
        (accuracy from 0 to 100), in ascending order of score; higher is better.

        {{HISTORY}}

        Here are examples of the task; <instruction> stands for where the instruction is placed:

        {{EXEMPLARS}}

        Write {{COUNT}} new instructions that differ from all the ones above and would score as high as possible.
        Put each one inside its own <instruction></instruction> tags.
        """;

    public const string TextualGradient = """
        I am writing a prompt for a language model. My current prompt is:
        <current_prompt>
        {{TEXT}}
        </current_prompt>

        It gets the following examples wrong:
        {{FAILURES}}

        Give {{COUNT}} reasons why the prompt could have got these examples wrong. Put each reason inside its own
        <reason></reason> tags.
        """;

    public const string ApplyGradient = """
        I am writing a prompt for a language model. My current prompt is:
        <current_prompt>
        {{TEXT}}
        </current_prompt>

        It gets the following examples wrong:
        {{FAILURES}}

        A reviewer explains the problem as follows:
        {{ANALYSIS}}

        Using this explanation, write an improved prompt. Keep the literal placeholder {question} exactly where the
        input goes. Write only the improved prompt, inside <prompt></prompt> tags.
        """;

    public const string GenerateVariants = """
        Below is the {{KIND}} given to a language-model agent that acts in an environment step by step.

        <original>
        {{TEXT}}
        </original>

        Write {{COUNT}} alternative versions of it. Each may change the wording, emphasis and strategy advice, but
        must describe the same environment and keep any required output format. Put each version inside its own
        <variant></variant> tags.
        """;

    /// <summary>GEPA's reflection on one component (our words for the roles of GEPA's instruction-proposal template).</summary>
    public const string ReflectComponent = """
        I gave an assistant the following {{COMPONENT}} to perform a task for me:
        <current_text>
        {{TEXT}}
        </current_text>

        Below are task inputs the assistant received, its response to each, the expected answer, and feedback on how
        the response could have been better:
        {{EXAMPLES}}

        Write a new {{COMPONENT}} for the assistant. Read the inputs carefully to work out their format and the task
        in detail. Read every response with its feedback: note what went wrong, and any specific, factual knowledge
        about the task that the assistant needed and lacked, and put that knowledge in the new text, together with
        any general strategy that worked. {{KEEP}}
        Write only the new text, inside <new_text></new_text> tags.
        """;

    /// <summary>MIPROv2's dataset summary (our words for the role of DSPy's dataset-description step).</summary>
    public const string SummarizeData = """
        Here are examples from a dataset, each an input with its expected output:

        {{DEMOS}}

        Describe the dataset: what kind of inputs it has, what the outputs are and in what form, and any patterns or
        knowledge needed to get them right. Write a short summary inside <summary></summary> tags.
        """;

    /// <summary>MIPROv2's grounded instruction proposal (our words for the role of DSPy's grounded proposer).</summary>
    public const string ProposeInstruction = """
        I am writing an instruction for a language model that performs a task.

        A summary of the task's data:
        {{SUMMARY}}

        Examples of the task with correct outputs:
        {{DEMOS}}

        The current instruction:
        <current_instruction>
        {{TEXT}}
        </current_instruction>

        Write a new instruction that will make the model answer correctly. {{TIP}}
        Write only the instruction, inside <instruction></instruction> tags.
        """;

    private static readonly Regex Slot = new(@"\{\{([A-Z_]+)\}\}", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>Fills the <c>{{NAME}}</c> slots of <paramref name="template"/> in one pass.</summary>
    /// <param name="template">The template.</param>
    /// <param name="values">The slot values.</param>
    /// <returns>The filled text.</returns>
    /// <exception cref="InvalidOperationException">A slot has no value.</exception>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        Slot.Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var v)
            ? v
            : throw new InvalidOperationException($"template slot {m.Value} has no value"));

    /// <summary>Formats failures as <c>&lt;example&gt;</c> blocks.</summary>
    /// <param name="failures">The failures.</param>
    /// <returns>The text.</returns>
    public static string FormatFailures(IReadOnlyList<FailureCase> failures)
    {
        if (failures.Count == 0)
        {
            return "(none)";
        }

        var sb = new StringBuilder();
        for (int i = 0; i < failures.Count; i++)
        {
            var f = failures[i];
            sb.Append("<example>\n")
              .Append("Input: ").Append(f.Input).Append('\n')
              .Append("Model response: ").Append(f.ModelOutput).Append('\n')
              .Append("Parsed prediction: ").Append(f.Prediction ?? "(none)").Append('\n')
              .Append("Expected answer: ").Append(f.Expected).Append('\n')
              .Append("</example>");
            if (i < failures.Count - 1)
            {
                sb.Append('\n');
            }
        }

        return sb.ToString();
    }

    /// <summary>Formats GEPA's reflective examples: input, response, expected answer, score and feedback.</summary>
    /// <param name="examples">The examples.</param>
    /// <returns>The text.</returns>
    public static string FormatFeedbackExamples(IReadOnlyList<FeedbackCase> examples)
    {
        if (examples.Count == 0)
        {
            return "(none)";
        }

        return string.Join("\n", examples.Select((e, i) =>
            $"<example>\nInput: {e.Case.Input}\nResponse: {e.Case.ModelOutput}\nExpected answer: {e.Case.Expected}\n" +
            $"Score: {e.Score.ToString("0.##", CultureInfo.InvariantCulture)}\nFeedback: {e.Feedback}\n</example>"));
    }

    /// <summary>Formats demonstrations as Input/Output pairs.</summary>
    /// <param name="demos">The demos.</param>
    /// <returns>The text.</returns>
    public static string FormatDemos(IReadOnlyList<Example> demos) =>
        string.Join("\n\n", demos.Select(d => "Input: " + d.Input + "\nOutput: " + d.Target));

    /// <summary>Formats OPRO exemplars with the instruction slot marked.</summary>
    /// <param name="exemplars">The exemplars.</param>
    /// <returns>The text.</returns>
    public static string FormatExemplars(IReadOnlyList<Example> exemplars) =>
        exemplars.Count == 0
            ? "(none)"
            : string.Join("\n\n", exemplars.Select(d => "Q: <instruction>\n" + d.Input + "\nA: " + d.Target));

    /// <summary>Formats an OPRO history (already in ascending score order).</summary>
    /// <param name="history">The history.</param>
    /// <returns>The text.</returns>
    public static string FormatHistory(IReadOnlyList<ScoredInstruction> history) =>
        history.Count == 0
            ? "(none yet)"
            : string.Join("\n\n", history.Select(h =>
                "text:\n" + h.Instruction + "\nscore:\n" + Math.Round(h.Score * 100).ToString(CultureInfo.InvariantCulture)));

    /// <summary>Formats a skeleton as a bulleted list of section names.</summary>
    /// <param name="sections">The section names.</param>
    /// <returns>The text.</returns>
    public static string FormatSkeleton(IReadOnlyList<string> sections) =>
        string.Join("\n", sections.Select(s => "- " + s)) + "\n";
}
