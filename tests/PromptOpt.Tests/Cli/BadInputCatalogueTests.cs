using PromptOpt.Cli;
using PromptOpt.Storage;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Cli;

/// <summary>
/// Files of every kind of bad input the catalogue needs, written once: broken JSONL (invalid JSON, invalid UTF-8, empty,
/// too short, a missing field, a duplicate id), broken prompt artifacts, broken run specs, a file that is not a store.
/// </summary>
public sealed class BadInputFiles : IDisposable
{
    public BadInputFiles()
    {
        Dir = new TempDirectory();
        Dir.WriteLines("dsdir/train.jsonl", """{"id":"a","input":"x","target":"y"}""");
        Dir.WriteLines("bad.jsonl", """{"id":"a","input":"x","target":"y"}""", "{bad json");
        File.WriteAllBytes(Path.Combine(Dir.Path, "nonutf8.jsonl"), [.. "{\"id\":\"a\",\"input\":\"caf"u8, 0xE9, .. "\",\"target\":\"y\"}\n{\"id\":\"b\",\"input\":\"x\",\"target\":\"y\"}\n"u8]);
        Dir.Write("empty.jsonl", string.Empty);
        Dir.WriteLines("one.jsonl", """{"id":"a","input":"x","target":"y"}""");
        Dir.WriteLines("missing-field.jsonl", """{"id":"a","input":"x"}""", """{"id":"b","input":"x","target":"y"}""");
        Dir.WriteLines("dup-id.jsonl", """{"id":"a","input":"x","target":"y"}""", """{"id":"a","input":"z","target":"y"}""");
        Dir.Write("empty.txt", "  \n");
        Dir.Write("trunc.json", """{"kind":"promptopt.prompt","version":1,"user":"Ans""");
        Dir.Write("array.json", "[1,2]");
        Dir.Write("other-kind.json", """{"kind":"promptopt.report","user":"x"}""");
        Dir.Write("notadb.db", "not a database at all, just text that is long enough to be a header of sixteen bytes or more\n");
        Dir.Write("typo.yaml", "method: dual-phase\ntask: navigate\noptimiser-model: sim\n");
        Dir.Write("badyaml.yaml", "method: [dual-phase\n");
        Dir.Write("empty.yaml", string.Empty);
        Dir.Write("list.yaml", "- a\n- b\n");
        Dir.Write("badoption.yaml", "method: dual-phase\ntask: navigate\ntask-model: sim\noptions:\n  max-steps: 5000\n");
        Dir.Write("suite-as-spec.yaml", "name: s\nsource:\n  - task: navigate\n");
        Dir.Write("missing-suite.yaml", "method: metaspo\nsuite: nowhere.yaml\ntask-model: sim\n");
        Dir.Write("badseed.yaml", "method: dual-phase\ntask: navigate\nseed: many\n");
        Dir.Write("badbudget.yaml", "method: dual-phase\ntask: navigate\nbudget: { dollars: lots }\n");
        Dir.Write("badtimeout.yaml", "method: dual-phase\ntask: navigate\ntimeout: forever\n");
        using (new PromptOptStore(Path.Combine(Dir.Path, "empty-store.db")))
        {
        }
    }

    public TempDirectory Dir { get; }

    public void Dispose() => Dir.Dispose();
}

/// <summary>
/// Issue 16: every kind of bad input through the CLI is exactly one "error:" line naming what was wrong (file and line
/// where there is one), exit code 2, and never a stack trace, before any model call.
/// </summary>
public class BadInputCatalogueTests(BadInputFiles files) : IClassFixture<BadInputFiles>
{
    public static TheoryData<string, string[], string?, string> Catalogue => new()
    {
        { "unknown command", ["bogus"], null, "unknown command, option or argument 'bogus'" },
        { "eval without --task", ["eval"], null, "Option '--task' is required" },
        { "eval without --prompt", ["eval", "--task", "navigate"], null, "Option '--prompt' is required" },
        { "--limit 0", ["eval", "--task", "navigate", "--prompt", "x", "--limit", "0"], null, "--limit must be at least 1, got 0" },
        { "--limit not a number", ["eval", "--task", "navigate", "--prompt", "x", "--limit", "abc"], null, "invalid value 'abc' for --limit: expected an integer" },
        { "--concurrency 0", ["eval", "--task", "navigate", "--prompt", "x", "--concurrency", "0"], null, "--concurrency must be at least 1" },
        { "--split unknown", ["eval", "--task", "navigate", "--prompt", "x", "--split", "nope"], null, "expected one of train, dev, test" },
        { "--seed not an integer", ["eval", "--task", "navigate", "--prompt", "x", "--seed", "1.5"], null, "invalid value '1.5' for --seed" },
        { "--steps 0", ["optimize", "--method", "expo", "--env", "linreg", "--steps", "0"], null, "--steps must be at least 1" },
        { "two spec files", ["optimize", "a.yaml", "b.yaml"], null, "unknown command, option or argument 'b.yaml'" },
        { "report without run id", ["report"], null, "Required argument missing" },
        { "report --format pdf", ["report", "x", "--format", "pdf"], null, "'pdf' not recognized" },
        { "runs --limit 0", ["runs", "--limit", "0"], null, "--limit must be at least 1" },
        { "tasks --seed x", ["tasks", "--seed", "x"], null, "invalid value 'x' for --seed" },
        { "sim-server bad fault rate", ["sim-server", "--faults", "429=abc"], null, "--faults: '429=abc' is not kind=rate" },
        { "sim-server port out of range", ["sim-server", "--port", "70000"], null, "--port must be at most 65535, got 70000" },
        { "sim-server negative latency", ["sim-server", "--latency-ms", "-1"], null, "--latency-ms must be at least 0" },
        { "unknown task", ["eval", "--task", "no_such_task", "--prompt", "x"], null, "unknown task \"no_such_task\"" },
        { "invalid JSON line", ["eval", "--task", "bad.jsonl", "--prompt", "x"], null, "bad.jsonl:2: expected one JSON object per line, found invalid JSON" },
        { "invalid UTF-8 line", ["eval", "--task", "nonutf8.jsonl", "--prompt", "x"], null, "nonutf8.jsonl:1: expected UTF-8 text, found an invalid byte (0xE9) at byte offset 22" },
        { "empty JSONL file", ["eval", "--task", "empty.jsonl", "--prompt", "x"], null, "empty.jsonl:1: expected one JSON object per line, found an empty file" },
        { "one-example JSONL file", ["eval", "--task", "one.jsonl", "--prompt", "x"], null, "one.jsonl:1: expected at least 2 examples" },
        { "dataset directory without test.jsonl", ["eval", "--task", "dsdir", "--prompt", "x"], null, "test.jsonl is missing" },
        { "JSONL line missing target", ["eval", "--task", "missing-field.jsonl", "--prompt", "x"], null, "missing-field.jsonl:1: expected the required field \"target\"" },
        { "JSONL duplicate id", ["eval", "--task", "dup-id.jsonl", "--prompt", "x"], null, "dup-id.jsonl:2: expected a unique \"id\"" },
        { "prompt file missing", ["eval", "--task", "navigate", "--prompt", "@missing.txt"], null, "--prompt: file not found: missing.txt" },
        { "prompt file empty", ["eval", "--task", "navigate", "--prompt", "@empty.txt"], null, "--prompt: file is empty: empty.txt" },
        { "prompt text blank", ["eval", "--task", "navigate", "--prompt", " "], null, "--prompt is empty" },
        { "truncated artifact", ["eval", "--task", "navigate", "--prompt", "@trunc.json"], null, "--prompt: trunc.json: invalid or truncated JSON at line 1" },
        { "artifact that is an array", ["eval", "--task", "navigate", "--prompt", "@array.json"], null, "--prompt: array.json: found a JSON array" },
        { "artifact of another kind", ["eval", "--task", "navigate", "--prompt", "@other-kind.json"], null, "found \"kind\": \"promptopt.report\"" },
        { "system file missing", ["eval", "--task", "navigate", "--prompt", "x", "--system", "@missing.txt"], null, "--system: file not found: missing.txt" },
        { "unknown model provider", ["eval", "--task", "navigate", "--prompt", "x", "--model", "foo:bar"], null, "invalid model spec 'foo:bar': unknown provider 'foo'" },
        { "model name missing", ["eval", "--task", "navigate", "--prompt", "x", "--model", "openai:"], null, "the model name is missing" },
        { "base URL not a URL", ["eval", "--task", "navigate", "--prompt", "x", "--model", "openai-compatible:notaurl|m"], null, "base URL 'notaurl' is not an absolute http(s) URL" },
        { "API key not set", ["eval", "--task", "navigate", "--prompt", "x", "--model", "openai:gpt-4o-mini"], null, "needs an API key: set the environment variable OPENAI_API_KEY" },
        { "--timeout 0", ["eval", "--task", "navigate", "--prompt", "x", "--model", "sim", "--timeout", "0"], null, "--timeout: '0' is not a timeout" },
        { "PROMPTOPT_TIMEOUT not a duration", ["eval", "--task", "navigate", "--prompt", "x", "--model", "sim"], "PROMPTOPT_TIMEOUT=abc", "PROMPTOPT_TIMEOUT: 'abc' is not a timeout" },
        { "store that is not a database", ["eval", "--task", "navigate", "--prompt", "x", "--model", "sim", "--store", "notadb.db"], null, "is damaged (SQLite Error 26: 'file is not a database'" },
        { "report without a store", ["report", "some-run", "--store", "nonexistent.db"], null, "no store at" },
        { "report of an unknown run", ["report", "some-run", "--store", "empty-store.db"], null, "run 'some-run' not found" },
        { "unknown method", ["optimize", "--method", "nope", "--task", "navigate"], null, "unknown method 'nope' (known: ape, dual-phase" },
        { "no method", ["optimize", "--task", "navigate"], null, "no method: give --method" },
        { "no task", ["optimize", "--method", "dual-phase"], null, "no task: give --task" },
        { "spec key typo", ["optimize", "typo.yaml"], null, "typo.yaml:3: unknown key 'optimiser-model' in the run spec; did you mean 'optimizer-model'?" },
        { "spec invalid YAML", ["optimize", "badyaml.yaml"], null, "badyaml.yaml:2: invalid YAML" },
        { "spec empty", ["optimize", "empty.yaml"], null, "empty.yaml: the run spec is empty" },
        { "spec missing", ["optimize", "missing.yaml"], null, "missing.yaml: run spec file not found" },
        { "spec is a list", ["optimize", "list.yaml"], null, "list.yaml:1: expected a mapping of keys" },
        { "spec option out of range", ["optimize", "badoption.yaml"], null, "badoption.yaml:5: option 'max-steps' must be between 0 and 1000, got 5000" },
        { "spec is a task suite", ["optimize", "suite-as-spec.yaml"], null, "this is a MetaSPO task suite, not a run spec" },
        { "spec names a missing suite", ["optimize", "missing-suite.yaml"], null, "nowhere.yaml" },
        { "spec seed not an integer", ["optimize", "badseed.yaml"], null, "badseed.yaml:3: 'seed' expects an integer, got 'many'" },
        { "spec budget not a number", ["optimize", "badbudget.yaml"], null, "badbudget.yaml:3: 'dollars' expects a number of dollars" },
        { "spec timeout not a duration", ["optimize", "badtimeout.yaml"], null, "badtimeout.yaml: 'timeout': 'forever' is not a timeout" },
        { "--set without =", ["optimize", "--method", "dual-phase", "--task", "navigate", "--set", "nokey"], null, "--set 'nokey': expected key=value" },
        { "--set value of the wrong type", ["optimize", "--method", "dual-phase", "--task", "navigate", "--set", "max-steps=lots"], null, "--set max-steps=lots: option 'max-steps': 'lots' is not an integer" },
        { "--set unknown option", ["optimize", "--method", "dual-phase", "--task", "navigate", "--set", "wobble=1"], null, "unknown option 'wobble' (known: alpha, demo-count," },
        { "--price malformed", ["optimize", "--method", "dual-phase", "--task", "navigate", "--price", "gpt=cheap"], null, "--price: price 'gpt=cheap' is not of the form" },
        { "negative budget", ["optimize", "--method", "dual-phase", "--task", "navigate", "--budget-task-calls", "-1"], null, "budget limits must be 0 or more" },
        { "bad run id", ["optimize", "--method", "dual-phase", "--task", "navigate", "--run-id", "bad!id"], null, "invalid run id 'bad!id'" },
        { "EXPO with a task", ["optimize", "--method", "expo", "--task", "navigate"], null, "method 'expo' runs an agent in an environment" },
        { "prompt method with an environment", ["optimize", "--method", "dual-phase", "--env", "linreg"], null, "are for the agent methods" },
        { "unknown environment", ["optimize", "--method", "expo", "--env", "nowhere"], null, "unknown environment 'nowhere'" },
        { "embedder auto", ["optimize", "--method", "expo", "--env", "linreg", "--embedder", "auto"], null, "invalid embedder spec 'auto'" },
        { "--train-size 0", ["optimize", "--method", "dual-phase", "--task", "navigate", "--train-size", "0"], null, "--train-size must be at least 1" },
        { "--timeout in days", ["optimize", "--method", "dual-phase", "--task", "navigate", "--timeout", "2d"], null, "--timeout: '2d' is not a timeout" },
    };

    [Fact]
    public void Catalogue_HasAtLeastFortyKinds() => Assert.True(Catalogue.Count >= 40, $"only {Catalogue.Count} kinds");

    [Theory]
    [MemberData(nameof(Catalogue))]
    public async Task BadInput_OneErrorLineExitTwoNoStackTrace(string kind, string[] args, string? env, string expected)
    {
        var environment = new Dictionary<string, string>();
        if (env is not null)
        {
            environment[env[..env.IndexOf('=', StringComparison.Ordinal)]] = env[(env.IndexOf('=', StringComparison.Ordinal) + 1)..];
        }

        var run = await CliHarness.RunAsync(args, files.Dir.Path, environment);

        Assert.True(run.ExitCode == ExitCodes.BadInput, $"{kind}: {run}");
        var error = Assert.Single(run.ErrorLines, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }
}
