using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using PromptOpt.Cli.Commands;

namespace PromptOpt.Cli;

/// <summary>Builds the <c>promptopt</c> command tree and runs one invocation of it.</summary>
internal static class CliApp
{
    /// <summary>The root description shown by <c>promptopt --help</c>.</summary>
    public const string Description =
        "PromptOpt: automatic prompt optimization (EXPO, Dual-Phase APO, MetaSPO; APE, OPRO, ProTeGi baselines). " +
        "Without a configured endpoint, models run on a deterministic simulator and every result says \"(simulated)\".";

    /// <summary>The command name shown in usage lines.</summary>
    public const string CommandName = "promptopt";

    /// <summary>Builds a fresh command tree bound to <paramref name="context"/>.</summary>
    /// <param name="context">The invocation context.</param>
    /// <returns>The root command.</returns>
    public static Command BuildRoot(CliContext context)
    {
        // A plain Command named "promptopt" rather than RootCommand, whose name is the executable's file name
        // ("PromptOpt.Cli" under `dotnet run`); the help and version options are what RootCommand would add.
        var root = new Command(CommandName, Description)
        {
            new HelpOption(),
            new VersionOption(),
            CommonOptions.Verbose(),
        };
        root.Subcommands.Add(OptimizeCommand.Create(context));
        root.Subcommands.Add(CompareCommand.Create(context));
        root.Subcommands.Add(ReportCommand.Create(context));
        root.Subcommands.Add(TasksCommand.Create(context));
        root.Subcommands.Add(SimExplainCommand.Create(context));
        root.Subcommands.Add(EvalCommand.Create(context));
        root.Subcommands.Add(RunsCommand.Create(context));
        root.Subcommands.Add(SimServerCommand.Create(context));
        return root;
    }

    /// <summary>Parses and runs one command line. Never throws; returns an <see cref="ExitCodes"/> value.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="context">The invocation context.</param>
    /// <param name="cancellationToken">Cancels the command (Ctrl-C in the real process).</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> InvokeAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        bool json = args.Contains("--json", StringComparer.Ordinal);
        try
        {
            var root = BuildRoot(context);
            // No response files: '@file' is PromptOpt's own syntax for --prompt/--system.
            var parserConfiguration = new ParserConfiguration { ResponseFileTokenReplacer = null };
            var parse = root.Parse(args, parserConfiguration);
            context.Verbose = parse.GetResult(CommonOptions.VerboseName) is not null && parse.GetValue<bool>(CommonOptions.VerboseName);
            if (args.Length == 0)
            {
                // A bare `promptopt` shows the overview rather than an error.
                parse = root.Parse(["--help"], parserConfiguration);
            }

            if (parse.Action is ParseErrorAction && parse.Errors.Count > 0)
            {
                var command = parse.CommandResult.Command;
                var helpHint = command == root ? $"{CommandName} --help" : $"{CommandName} {command.Name} --help";
                return CommandRunner.Fail(context, json, ExitCodes.BadInput, $"{ParseErrors.Describe(parse)} (see '{helpHint}')");
            }

            var configuration = new InvocationConfiguration
            {
                Output = context.Out,
                Error = context.Err,
                EnableDefaultExceptionHandler = false,
            };
            if (!context.HandleProcessTermination)
            {
                configuration.ProcessTerminationTimeout = null;
            }

            return await parse.InvokeAsync(configuration, cancellationToken);
        }
        catch (Exception ex)
        {
            // Actions map their own exceptions; this is the last line of defence (e.g. a failure while parsing).
            return CommandRunner.HandleException(context, json, ex, cancellationToken);
        }
    }
}
