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
    /// <exception cref="PromptOptInputException">One or more values are invalid; the message lists them all.</exception>
    public static void Validate(object options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new PromptOptInputException($"invalid {options.GetType().Name}: " + string.Join("; ", results.Select(r => r.ErrorMessage)));
        }
    }

    /// <summary>Binds settings to the writable properties of <paramref name="options"/>, then validates.</summary>
    /// <param name="options">The options object.</param>
    /// <param name="settings">Key/value settings (invariant culture).</param>
    /// <exception cref="PromptOptInputException">An unknown key or a value of the wrong type; all problems in one message.</exception>
    public static void Bind(object options, IReadOnlyDictionary<string, string>? settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (settings is null || settings.Count == 0)
        {
            Validate(options);
            return;
        }

        var props = options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && IsSimple(p.PropertyType))
            .ToDictionary(p => Canonical(p.Name), StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var (key, value) in settings)
        {
            if (!props.TryGetValue(Canonical(key), out var prop))
            {
                var known = string.Join(", ", props.Values.Select(p => ToKebab(p.Name)).Order(StringComparer.Ordinal));
                errors.Add($"unknown option '{key}' (known: {known})");
                continue;
            }

            try
            {
                prop.SetValue(options, Convert(value, prop.PropertyType));
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException or InvalidCastException)
            {
                errors.Add($"option '{key}': '{value}' is not a valid {Nullable.GetUnderlyingType(prop.PropertyType)?.Name ?? prop.PropertyType.Name}");
            }
        }

        if (errors.Count > 0)
        {
            throw new PromptOptInputException($"invalid {options.GetType().Name}: " + string.Join("; ", errors));
        }

        Validate(options);
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
