using System.Reflection;
using System.Text.RegularExpressions;
using PromptOpt.Optimizers;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Cli;

/// <summary>Issue 16, item 8: the docs the README, help and examples point to exist and agree with the code.</summary>
public partial class DocsTests
{
    public static TheoryData<string, Type, string> Pages => new()
    {
        { "dual-phase.md", typeof(PromptOpt.Optimizers.DualPhase.DualPhaseOptions), string.Empty },
        { "ape.md", typeof(PromptOpt.Optimizers.Baselines.Ape.ApeOptions), string.Empty },
        { "opro.md", typeof(PromptOpt.Optimizers.Baselines.Opro.OproOptions), string.Empty },
        { "protegi.md", typeof(PromptOpt.Optimizers.Baselines.ProTeGi.ProTeGiOptions), string.Empty },
        { "metaspo.md", typeof(PromptOpt.Optimizers.MetaSpo.MetaSpoOptions), string.Empty },
        { "expo.md", typeof(PromptOpt.Optimizers.Expo.ExpoOptions), string.Empty },
        { "gepa.md", typeof(PromptOpt.Optimizers.Gepa.GepaOptions), string.Empty },
        { "mipro.md", typeof(PromptOpt.Optimizers.Mipro.MiproOptions), string.Empty },
        { "expo.md", typeof(PromptOpt.Optimizers.Expo.ScoreNetworkOptions), "network-" },
        { "expo.md", typeof(PromptOpt.Decision.AgentRunnerOptions), "agent-" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public void MethodPage_ListsEveryOptionKeyWithItsDefault(string page, Type options, string prefix)
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "methods", page));
        var defaults = Activator.CreateInstance(options)!;
        foreach (var p in options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && IsBindable(p.PropertyType)))
        {
            if (p.Name is "Strategy" or "Steps" && options == typeof(PromptOpt.Optimizers.Expo.ExpoOptions))
            {
                continue; // chosen by the method name and --steps
            }

            var key = prefix + OptionsValidation.ToKebab(p.Name);
            var row = text.Split('\n').FirstOrDefault(l => l.StartsWith($"| `{key}` |", StringComparison.Ordinal));
            Assert.True(row is not null, $"{page} has no row for option '{key}'");
            if (p.GetValue(defaults) is int or double && !p.PropertyType.IsGenericType)
            {
                // The default column names the code's default (as a number in any notation).
                double value = Convert.ToDouble(p.GetValue(defaults), System.Globalization.CultureInfo.InvariantCulture);
                var cell = row!.Split('|')[2];
                Assert.True(
                    Number().Matches(cell).Any(m => double.TryParse(m.Value.TrimEnd('.'), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) && d == value),
                    $"{page}: option '{key}' default {value} is not in \"{cell}\"");
            }
        }
    }

    [Fact]
    public void Readme_ExamplesAndHelp_PointToDocsThatExist()
    {
        var root = RepoRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        foreach (Match m in DocLink().Matches(readme + File.ReadAllText(Path.Combine(root, "docs", "README.md")).Replace("](methods/", "](docs/methods/", StringComparison.Ordinal)))
        {
            Assert.True(File.Exists(Path.Combine(root, m.Groups[1].Value)), $"missing {m.Groups[1].Value}");
        }

        Assert.DoesNotContain("design notes (ALGORITHMS.md)", readme);
        Assert.True(File.Exists(Path.Combine(root, "docs", "ALGORITHMS.md")));
        Assert.Contains("docs/methods/dual-phase.md", File.ReadAllText(Path.Combine(root, "examples", "quickstart.yaml")));
        Assert.DoesNotContain("optimize --help", File.ReadAllText(Path.Combine(root, "examples", "quickstart.yaml")));
    }

    private static bool IsBindable(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal);
    }

    private static string RepoRoot() => RepoPaths.Root;

    [GeneratedRegex(@"-?[0-9][0-9.]*(?:[eE]-?[0-9]+)?")]
    private static partial Regex Number();

    [GeneratedRegex(@"\]\((docs/[^)#]+\.md)")]
    private static partial Regex DocLink();
}
