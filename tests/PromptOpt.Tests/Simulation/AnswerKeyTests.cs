using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Prompts;
using PromptOpt.Simulation;

namespace PromptOpt.Tests.Simulation;

public class AnswerKeyTests
{
    [Fact]
    public async Task Respond_InputInsideAnyTemplate_FindsExampleAndAnswers()
    {
        var task = SimTestTasks.Arithmetic(200);
        var world = new SimulatedWorld([task], new SimOptions { Seed = 1 });
        var client = world.CreateClient();
        var e = task.Dataset.Test[3];
        var prompts = new[]
        {
            Prompt.FromInstruction(SimTestTasks.SkilledArithmeticInstruction),
            new Prompt("Answer with only the final answer, inside <answer></answer> tags.", "Question: <Question>{question}</Question>\nThanks."),
        };

        foreach (var p in prompts)
        {
            var response = await client.GetResponseAsync(p.Render(e.Input));
            Assert.Matches(@"^<answer>-?\d+</answer>$", response.Text);
        }
    }

    [Fact]
    public async Task Respond_ShortInputs_MatchWholeWordsOnly()
    {
        var examples = new[] { new Example("a", "cat", "dog"), new Example("b", "category", "group"), new Example("c", "up", "down") };
        var task = new TaskDefinition("short", new Dataset("short", examples, [], []), SimTestTasks.TagOrCueMetric.Instance, "Antonym.", "Word.");
        var world = new SimulatedWorld([task], new SimOptions { Seed = 1, UnparseableRate = 0 });
        var key = world.Key;

        Assert.Equal("b", key.Find("Give the antonym: category\nAnswer with only the word.")!.Entry.Example.Id);
        Assert.Equal("a", key.Find("Word: cat")!.Entry.Example.Id);
        Assert.Null(key.Find("Write a catalogue entry, setup done."));
        var reply = await world.CreateClient().GetResponseAsync([new ChatMessage(ChatRole.User, "Nothing to see here.")]);
        Assert.Equal(TaskModel.NoQuestionReply, reply.Text);
    }

    [Fact]
    public void Find_ThousandsOfExamples_FindsEachOneInItsRenderedPrompt()
    {
        var task = SimTestTasks.Arithmetic(5000);
        var world = new SimulatedWorld([task]);
        var prompt = Prompt.FromInstruction(SimTestTasks.SkilledArithmeticInstruction);

        Assert.Equal(5000, world.AnswerKeySize);
        foreach (var e in task.Dataset.All.Where((_, i) => i % 50 == 0))
        {
            Assert.Equal(e.Id, world.Key.Find(prompt.Render(e.Input)[0].Text)!.Entry.Example.Id);
        }
    }

    [Fact]
    public void UndeclaredTask_WithoutKnowledge_HasNoTaskSkills_OnlyGenericAndFraming()
    {
        var task = SimTestTasks.Undeclared();
        var world = new SimulatedWorld([task]);

        Assert.Empty(world.GetTaskSkills(task.Name));
        var k = world.GetKnowledge(task.Name);
        Assert.Empty(k.Misconceptions);
        Assert.Equal(task.DefaultInstruction, k.Framing.Descriptions[0]);
        Assert.All(task.Dataset.Test, e => Assert.Empty(world.GetRequiredSkills(task.Name, e)));
    }
}
