using System.CommandLine;
using System.CommandLine.Parsing;

namespace PromptOpt.Cli;

/// <summary>Turns System.CommandLine's parse errors into one readable line.</summary>
internal static class ParseErrors
{
    /// <summary>Describes the most useful error of <paramref name="parse"/> in one line.</summary>
    /// <param name="parse">A parse result with errors.</param>
    /// <returns>The line.</returns>
    public static string Describe(ParseResult parse)
    {
        if (parse.UnmatchedTokens.Count > 0)
        {
            return $"unknown command, option or argument '{parse.UnmatchedTokens[0]}'";
        }

        var error = parse.Errors[0];
        var option = error.SymbolResult switch
        {
            OptionResult o => o.Option,
            ArgumentResult { Parent: OptionResult o } => o.Option,
            _ => null,
        };
        var token = error.SymbolResult is { Tokens.Count: > 0 } r ? r.Tokens[0].Value : null;
        if (option is not null && token is not null && error.Message.StartsWith("Cannot parse argument", StringComparison.Ordinal))
        {
            return $"invalid value '{token}' for {option.Name}: expected {Expected(option.ValueType)}";
        }

        return Flatten(error.Message);
    }

    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()));
        }

        return type == typeof(int) || type == typeof(long) ? "an integer"
            : type == typeof(double) || type == typeof(decimal) ? "a number"
            : type == typeof(bool) ? "true or false"
            : "a " + type.Name;
    }

    private static string Flatten(string message) =>
        string.Join(' ', message.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
