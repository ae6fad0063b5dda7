using System.Reflection;
using PromptOpt.Tests.TestDoubles;
using System.Text;
using PromptOpt.Optimizers;
using PromptOpt.Simulation;

namespace PromptOpt.Tests.PublicApi;

/// <summary>
/// The public API of the packages (PromptOpt, PromptOpt.Simulation) is reviewed, not accidental: a snapshot of it is checked
/// in next to this file (<c>PublicApi/*.txt</c>), and the conventions a .NET developer expects are asserted.
/// </summary>
public sealed class PublicApiTests
{
    /// <summary>
    /// The <c>required</c> members the public surface may have, each with the reason a caller knows what to put there.
    /// Everything else has a default (or a constructor).
    /// </summary>
    private static readonly Dictionary<string, string> AllowedRequired = new(StringComparer.Ordinal)
    {
        ["PromptOpt.Optimizers.OptimizationRequest.Task"] = "the caller's own task; no default exists (or use the constructor)",
        ["PromptOpt.Optimizers.OptimizationRequest.TaskModel"] = "the caller's own model; no default exists (or use the constructor)",
        ["PromptOpt.Optimizers.DecisionRequest.AgentModel"] = "the caller's own model; no default exists (or use the constructor)",
        ["PromptOpt.Optimizers.OptimizationResult.Method"] = "a result: built by an optimizer (also a custom IPromptOptimizer), which knows its own name",
        ["PromptOpt.Optimizers.OptimizationResult.StartPrompt"] = "a result: the optimizer knows the prompt it started from",
        ["PromptOpt.Optimizers.OptimizationResult.BestPrompt"] = "a result: the optimizer knows the prompt it found",
        ["PromptOpt.Optimizers.OptimizationResult.Usage"] = "a result: the optimizer reads it from OptimizationRequest.Usage",
        ["PromptOpt.Optimizers.Compare.ComparisonRow.Method"] = "a comparison result built by the comparison, which knows each row's method",
        ["PromptOpt.Optimizers.Compare.ComparisonRun.Task"] = "a comparison result built by the comparison from the run it made",
        ["PromptOpt.Optimizers.Compare.ComparisonRun.Method"] = "a comparison result built by the comparison from the run it made",
        ["PromptOpt.Optimizers.Compare.ComparisonRun.Seed"] = "a comparison result built by the comparison from the run it made",
        ["PromptOpt.Optimizers.Compare.ComparisonRun.RunId"] = "a comparison result built by the comparison from the run it made",
        ["PromptOpt.Optimizers.Compare.ComparisonRun.StartPrompt"] = "a comparison result built by the comparison from the run it made",
        ["PromptOpt.Optimizers.Compare.ComparisonRun.BestPrompt"] = "a comparison result built by the comparison from the run it made",
        ["PromptOpt.Optimizers.Expo.ExpoRunResult.Strategy"] = "an EXPO result, built by ExpoOptimizer from the run it made",
        ["PromptOpt.Optimizers.Expo.ExpoRunResult.Environment"] = "an EXPO result, built by ExpoOptimizer from the run it made",
        ["PromptOpt.Optimizers.Expo.ExpoRunResult.Arms"] = "an EXPO result, built by ExpoOptimizer from the run it made",
        ["PromptOpt.Optimizers.Expo.ExpoRunResult.Steps"] = "an EXPO result, built by ExpoOptimizer from the run it made",
        ["PromptOpt.Optimizers.Expo.ExpoRunResult.PerformanceMeasureName"] = "an EXPO result, built by ExpoOptimizer from the run it made",
        ["PromptOpt.Optimizers.Expo.ExpoRunResult.ArmPulls"] = "an EXPO result, built by ExpoOptimizer from the run it made",
        ["PromptOpt.Optimizers.Expo.ExpoRunResult.FinalProbabilities"] = "an EXPO result, built by ExpoOptimizer from the run it made",
        ["PromptOpt.Optimizers.PromptArtifact.User"] = "the exported prompt's user part is the prompt itself",
        ["PromptOpt.Reporting.RunReport.RunId"] = "a report of a stored run: built by RunReportLoader, which knows the run",
        ["PromptOpt.Reporting.RunReport.Result"] = "a report of a stored run: built by RunReportLoader, which knows the run",
        ["PromptOpt.Data.TaskSuite.Name"] = "a suite as TaskSuiteLoader parses it from a file, whose path, name and tasks it knows",
        ["PromptOpt.Data.TaskSuite.FilePath"] = "a suite as TaskSuiteLoader parses it from a file, whose path, name and tasks it knows",
        ["PromptOpt.Data.TaskSuite.BaseDirectory"] = "a suite as TaskSuiteLoader parses it from a file, whose path, name and tasks it knows",
        ["PromptOpt.Data.TaskSuite.Source"] = "a suite as TaskSuiteLoader parses it from a file, whose path, name and tasks it knows",
        ["PromptOpt.Data.TaskSuite.Unseen"] = "a suite as TaskSuiteLoader parses it from a file, whose path, name and tasks it knows",
        ["PromptOpt.Data.TaskSuiteEntry.Role"] = "one line of a suite file: its role (source or unseen) and domain are what the line says",
        ["PromptOpt.Data.TaskSuiteEntry.Domain"] = "one line of a suite file: its role (source or unseen) and domain are what the line says",
    };

    /// <summary>
    /// Public async methods without a trailing <c>CancellationToken cancellationToken = default</c>, each with the reason.
    /// </summary>
    private static readonly Dictionary<string, string> AllowedWithoutCancellation = new(StringComparer.Ordinal)
    {
        ["PromptOpt.Storage.RunCheckpoints.SaveAsync"] = "a cancelled run keeps what it computed: the write is not cancellable on purpose",
        ["PromptOpt.Storage.RunRecorder.CompleteAsync"] = "the run's final records are written even after a cancellation, so the run can be resumed",
        ["PromptOpt.Storage.RunRecorder.StopAsync"] = "called after a cancellation to record it: not cancellable on purpose",
    };

    public static TheoryData<string> Assemblies => ["PromptOpt", "PromptOpt.Simulation"];

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void PublicApi_Listing_MatchesSnapshot(string assemblyName)
    {
        var actual = PublicApiListing.Render(Load(assemblyName));
        var directory = SnapshotDirectory();
        var expectedPath = Path.Combine(directory, assemblyName + ".txt");
        var receivedPath = Path.Combine(directory, assemblyName + ".received.txt");
        var expected = File.Exists(expectedPath) ? File.ReadAllText(expectedPath).ReplaceLineEndings("\n") : "";
        if (expected == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual, new UTF8Encoding(false));
        Assert.Fail(
            $"The public API of {assemblyName} changed. If the change is intended (reviewed: names, CancellationToken, options with defaults, " +
            $"no needless `required`), copy {receivedPath} over {expectedPath}.\n" + LineDiff(expected, actual));
    }

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void PublicAsyncMethods_TakeCancellationTokenLast(string assemblyName)
    {
        var offenders = new List<string>();
        foreach (var type in PublicApiListing.PublicTypes(Load(assemblyName)))
        {
            foreach (var method in PublicApiListing.VisibleMembers(type).OfType<MethodInfo>().Where(m => IsAsync(m.ReturnType)))
            {
                var key = $"{type.FullName}.{method.Name}";
                if (method.Name == nameof(IAsyncDisposable.DisposeAsync) || AllowedWithoutCancellation.ContainsKey(key))
                {
                    continue;
                }

                var last = method.GetParameters().LastOrDefault();
                if (last is not { Name: "cancellationToken", HasDefaultValue: true } || last.ParameterType != typeof(CancellationToken))
                {
                    offenders.Add($"{key}({string.Join(", ", method.GetParameters().Select(p => PublicApiListing.TypeName(p.ParameterType) + " " + p.Name))})");
                }
            }
        }

        Assert.True(offenders.Count == 0, "public async methods without `CancellationToken cancellationToken = default` last:\n" + string.Join("\n", offenders.Distinct()));
    }

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void PublicAsyncMethods_EndInAsync(string assemblyName)
    {
        var offenders = PublicApiListing.PublicTypes(Load(assemblyName))
            .SelectMany(t => PublicApiListing.VisibleMembers(t).OfType<MethodInfo>().Where(m => IsAsync(m.ReturnType)).Select(m => $"{t.FullName}.{m.Name}"))
            .Where(name => !name.EndsWith("Async", StringComparison.Ordinal))
            .Distinct()
            .ToList();
        Assert.True(offenders.Count == 0, "public async methods without the Async suffix:\n" + string.Join("\n", offenders));
    }

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void PublicTypes_HaveRequiredMembersOnlyWhereAllowed(string assemblyName)
    {
        var offenders = PublicApiListing.PublicTypes(Load(assemblyName))
            .SelectMany(t => PublicApiListing.VisibleMembers(t).Where(PublicApiListing.IsRequired).Select(m => $"{t.FullName}.{m.Name}"))
            .Where(name => !AllowedRequired.ContainsKey(name))
            .ToList();
        Assert.True(offenders.Count == 0, "`required` members outside the allow-list (give them a default or a constructor, or add a reason):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void AllowLists_NameExistingMembers()
    {
        var members = new[] { "PromptOpt", "PromptOpt.Simulation" }
            .SelectMany(a => PublicApiListing.PublicTypes(Load(a)))
            .SelectMany(t => PublicApiListing.VisibleMembers(t).Select(m => $"{t.FullName}.{m.Name}"))
            .ToHashSet(StringComparer.Ordinal);
        var stale = AllowedRequired.Keys.Concat(AllowedWithoutCancellation.Keys).Where(k => !members.Contains(k)).ToList();
        Assert.True(stale.Count == 0, "allow-list entries naming no public member:\n" + string.Join("\n", stale));
    }

    private static Assembly Load(string assemblyName) => assemblyName switch
    {
        "PromptOpt" => typeof(IPromptOptimizer).Assembly,
        "PromptOpt.Simulation" => typeof(SimulatorModels).Assembly,
        _ => throw new ArgumentOutOfRangeException(nameof(assemblyName), assemblyName, null),
    };

    private static bool IsAsync(Type type) =>
        type == typeof(Task) || type == typeof(ValueTask)
        || (type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(Task<>) || d == typeof(ValueTask<>) || d == typeof(IAsyncEnumerable<>)));

    private static string SnapshotDirectory() => RepoPaths.Under("tests", "PromptOpt.Tests", "PublicApi");

    /// <summary>A unified-style line diff (longest common subsequence on the lines between the common prefix and suffix).</summary>
    private static string LineDiff(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        int start = 0;
        while (start < a.Length && start < b.Length && a[start] == b[start])
        {
            start++;
        }

        int endA = a.Length, endB = b.Length;
        while (endA > start && endB > start && a[endA - 1] == b[endB - 1])
        {
            endA--;
            endB--;
        }

        int n = endA - start, m = endB - start;
        if ((long)n * m > 25_000_000)
        {
            return $"(too many changed lines to diff: {n} expected, {m} actual, from line {start + 1})";
        }

        var lcs = new int[n + 1, m + 1];
        for (int i = n - 1; i >= 0; i--)
        {
            for (int j = m - 1; j >= 0; j--)
            {
                lcs[i, j] = a[start + i] == b[start + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var diff = new StringBuilder();
        int x = 0, y = 0;
        while (x < n || y < m)
        {
            if (x < n && y < m && a[start + x] == b[start + y])
            {
                x++;
                y++;
            }
            else if (y < m && (x == n || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                diff.Append("+ ").Append(b[start + y++]).Append('\n');
            }
            else
            {
                diff.Append("- ").Append(a[start + x++]).Append('\n');
            }
        }

        return diff.ToString();
    }
}
