using PromptOpt.Decision;
using PromptOpt.Simulation;

namespace PromptOpt.Tests.Decision;

public class EnvironmentCatalogTests
{
    [Fact]
    public void All_ListsTheEightPresetsWithDescriptions()
    {
        Assert.Equal(["bandit-hard", "bandit-easy", "bandit-hard-summarized", "bandit-easy-summarized", "linreg", "tsp-10", "tsp-15", "tsp-20"], EnvironmentCatalog.All.Select(e => e.Name));
        Assert.All(EnvironmentCatalog.All, e => Assert.False(string.IsNullOrWhiteSpace(e.Description)));
    }

    [Fact]
    public void Create_EveryName_BuildsEnvironmentOfItsKind()
    {
        foreach (var info in EnvironmentCatalog.All)
        {
            var env = EnvironmentCatalog.Create(info.Name, 1);
            Assert.Equal(info.Name, env.Name);
            Assert.Equal(info.Kind, env.Kind);
            Assert.Equal(100, env.Horizon);
        }

        Assert.Equal(15, ((TspEnvironment)EnvironmentCatalog.Create("TSP-15", 0)).Points.Count);
    }

    [Theory]
    [InlineData("bandit-hard", "bandit-hard-summarized", 5, 0.2)]
    [InlineData("bandit-easy", "bandit-easy-summarized", 4, 0.5)]
    public void Create_SummarizedBandit_IsTheSameBanditRenderingOneLinePerButton(string raw, string summarized, int arms, double gap)
    {
        var r = (BanditEnvironment)EnvironmentCatalog.Create(raw, 5);
        var s = (BanditEnvironment)EnvironmentCatalog.Create(summarized, 5);
        Assert.Equal((arms, gap, BanditHistoryRendering.Raw), (r.Options.Arms, r.Options.Gap, r.Options.Rendering));
        Assert.Equal((arms, gap, BanditHistoryRendering.Summarized), (s.Options.Arms, s.Options.Gap, s.Options.Rendering));
        Assert.Equal(r.Means, s.Means);
        r.Step("<answer>blue</answer>");
        s.Step("<answer>blue</answer>");
        Assert.StartsWith("History of the 1 turns so far:\nTurn 1: pressed blue, reward ", r.RenderExemplars(), StringComparison.Ordinal);
        Assert.StartsWith("Summary of the 1 turns so far:\nblue button: pressed 1 times, average reward ", s.RenderExemplars(), StringComparison.Ordinal);
        Assert.Equal(arms + 1, s.RenderExemplars().Split('\n').Length);
    }

    [Fact]
    public void Create_UnknownName_ThrowsInputExceptionListingNames()
    {
        var ex = Assert.Throws<PromptOptInputException>(() => EnvironmentCatalog.Create("maze", 0));
        Assert.Contains("bandit-hard", ex.Message);
        Assert.False(EnvironmentCatalog.Contains("maze"));
    }

    [Fact]
    public void Create_SameSeed_IsReproducibleAndOtherSeedDiffers()
    {
        var a = (TspEnvironment)EnvironmentCatalog.Create("tsp-10", 9);
        var b = (TspEnvironment)EnvironmentCatalog.Create("tsp-10", 9);
        var c = (TspEnvironment)EnvironmentCatalog.Create("tsp-10", 10);
        Assert.Equal(a.Points, b.Points);
        Assert.Equal(a.RenderExemplars(), b.RenderExemplars());
        Assert.NotEqual(a.Points, c.Points);
    }

    [Fact]
    public void OriginalMetaPrompts_ActivateFormatAndNoAgentSkillHalfway()
    {
        foreach (var info in EnvironmentCatalog.All)
        {
            var env = EnvironmentCatalog.Create(info.Name, 0);
            env.Step("<answer>blue</answer> [15, 14] <trace>0,1,2,3,4,5,6,7,8,9</trace>");
            var text = env.OriginalMetaPrompt.Render(env.RenderExemplars());
            var s = AgentSkills.Read(env is BanditEnvironment b ? BanditHistoryText.Read(text, b.ArmNames).Rest : text);
            Assert.Equal(1, s.Format);
            Assert.All(new[] { s.Explore, s.Exploit, s.Reasoning, s.Statistics, s.Refine, s.Diverse }, a => Assert.True(a < 0.5, $"{info.Name}: {s}"));
        }
    }

    [Fact]
    public void MetaPromptRender_Parts_InOrderDescriptionExemplarsInstruction()
    {
        var text = new MetaPrompt(" D ", "I").Render("E");
        Assert.Equal("D\n\nE\n\nI", text);
        Assert.Equal("D\n\nI", new MetaPrompt("D", "I").Render(""));
    }
}
