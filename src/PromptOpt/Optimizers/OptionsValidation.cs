using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace PromptOpt.Optimizers;

/// <summary>
/// Validates and binds optimizer options classes: <c>[Range]</c>/<c>[Required]</c> attributes are checked together and
/// reported in one message (STYLE 7), and string key/value settings (from a YAML run spec or <c>--set key=value</c>)
/// bind to properties by name, case- and separator-insensitively (<c>max-steps</c>, <c>max_steps</c>, <c>MaxSteps</c>).
/// </summary>
public static class OptionsValidation
{
    /// <summary>Validates every data-annotation on <paramref name="options"/>, throwing one exception listing all errors.</summary>
    /// <param name="options">The options object.</param>
    /// <param name="keyPrefix">The prefix of the options' keys in a spec (e.g. <c>network-</c>), or empty.</param>
    /// <exception cref="OptionsException">One or more values are invalid; the message lists them all by their spec key
    /// (<c>max-steps</c>, not <c>MaxSteps</c>).</exception>
    public static void Validate(object options, string keyPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new OptionsException(results.Select(r => Describe(options, r, keyPrefix)).ToList());
        }
    }

    /// <summary>Binds settings to the writable properties of <paramref name="options"/>, then validates.</summary>
    /// <param name="options">The options object.</param>
    /// <param name="settings">Key/value settings (invariant culture).</param>
    /// <param name="keyPrefix">The prefix of the options' keys in a spec (e.g. <c>network-</c>), or empty.</param>
    /// <exception cref="OptionsException">An unknown key or a value of the wrong type; all problems in one message.</exception>
    public static void Bind(object options, IReadOnlyDictionary<string, string>? settings, string keyPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        if (settings is null || settings.Count == 0)
        {
            Validate(options, keyPrefix);
            return;
        }

        var props = options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && IsSimple(p.PropertyType))
            .ToDictionary(p => Canonical(p.Name), StringComparer.Ordinal);
        var errors = new List<OptionError>();
        foreach (var (key, value) in settings)
        {
            if (!props.TryGetValue(Canonical(key), out var prop))
            {
                var known = string.Join(", ", props.Values.Select(p => keyPrefix + ToKebab(p.Name)).Order(StringComparer.Ordinal));
                errors.Add(new OptionError(keyPrefix + key, $"unknown option '{keyPrefix + key}' (known: {known})"));
                continue;
            }

            try
            {
                prop.SetValue(options, Convert(value, prop.PropertyType));
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException or InvalidCastException)
            {
                errors.Add(new OptionError(keyPrefix + key, $"option '{keyPrefix + key}': '{value}' is not {Expected(prop.PropertyType)}"));
            }
        }

        if (errors.Count > 0)
        {
            throw new OptionsException(errors);
        }

        Validate(options, keyPrefix);
    }

    // "MaxSteps (T) must be between 0 and 1000." → option 'max-steps' must be between 0 and 1000, got 5000
    private static OptionError Describe(object options, ValidationResult result, string keyPrefix)
    {
        var member = result.MemberNames.FirstOrDefault();
        var message = (result.ErrorMessage ?? "is invalid").TrimEnd('.');
        if (member is null)
        {
            return new OptionError(string.Empty, message);
        }

        var key = keyPrefix + ToKebab(member);
        var rest = message.StartsWith(member, StringComparison.Ordinal) ? message[member.Length..].TrimStart() : message;
        if (rest.StartsWith('(') && rest.IndexOf(')', StringComparison.Ordinal) is var close and > 0)
        {
            rest = rest[(close + 1)..].TrimStart(); // the paper's symbol, e.g. "(T)"
        }

        var value = options.GetType().GetProperty(member)?.GetValue(options);
        var got = value is null ? string.Empty : ", got " + System.Convert.ToString(value, CultureInfo.InvariantCulture);
        return new OptionError(key, $"option '{key}' {rest}{got}");
    }

    private static string Expected(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(bool) ? "true or false"
            : t == typeof(int) || t == typeof(long) ? "an integer"
            : t == typeof(double) || t == typeof(float) || t == typeof(decimal) ? "a number"
            : t.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(t).Select(ToKebab))
            : "a valid " + t.Name;
    }

    /// <summary>Converts a property name to kebab case (<c>MaxSteps</c> → <c>max-steps</c>).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The kebab-case name.</returns>
    public static string ToKebab(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                sb.Append('-');
            }

            sb.Append(char.ToLowerInvariant(name[i]));
        }

        return sb.ToString();
    }

    private static string Canonical(string key) =>
        new string(key.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();

    private static bool IsSimple(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal);
    }

    private static object? Convert(string value, Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (Nullable.GetUnderlyingType(type) is not null && (value.Length == 0 || value.Equals("null", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        if (t.IsEnum)
        {
            return Enum.Parse(t, value.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true);
        }

        if (t == typeof(bool))
        {
            return value.ToLowerInvariant() switch
            {
                "true" or "yes" or "on" or "1" => true,
                "false" or "no" or "off" or "0" => false,
                _ => throw new FormatException(),
            };
        }

        return System.Convert.ChangeType(value, t, CultureInfo.InvariantCulture);
    }
}

/// <summary>One invalid method option.</summary>
/// <param name="Key">The option's spec key (kebab-case, e.g. <c>max-steps</c>), or empty when the problem spans options.</param>
/// <param name="Message">The one-line problem, naming the key.</param>
public sealed record OptionError(string Key, string Message);

/// <summary>Invalid method options: every problem, each naming its spec key, so a host can add where the key was set.</summary>
public sealed class OptionsException : PromptOptInputException
{
    /// <summary>Initializes a new instance of the <see cref="OptionsException"/> class.</summary>
    /// <param name="errors">The problems.</param>
    public OptionsException(IReadOnlyList<OptionError> errors)
        : base("invalid method options: " + string.Join("; ", errors?.Select(e => e.Message) ?? []))
    {
        ArgumentNullException.ThrowIfNull(errors);
        Errors = errors;
    }

    /// <summary>Initializes a new instance of the <see cref="OptionsException"/> class.</summary>
    public OptionsException()
    {
        Errors = [];
    }

    /// <summary>Initializes a new instance of the <see cref="OptionsException"/> class.</summary>
    /// <param name="message">The message.</param>
    public OptionsException(string message)
        : base(message)
    {
        Errors = [];
    }

    /// <summary>Initializes a new instance of the <see cref="OptionsException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public OptionsException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>Gets the problems.</summary>
    public IReadOnlyList<OptionError> Errors { get; }
}
