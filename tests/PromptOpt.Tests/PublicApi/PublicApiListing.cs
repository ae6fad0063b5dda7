using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace PromptOpt.Tests.PublicApi;

/// <summary>
/// A reflection listing of an assembly's public surface (types visible outside it and their public and protected
/// members, with nullability, <c>required</c>, defaults), one line per member, sorted, for the public-API snapshots.
/// </summary>
internal static class PublicApiListing
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Returns the public types of <paramref name="assembly"/>, sorted by full name.</summary>
    /// <param name="assembly">The assembly.</param>
    /// <returns>The types.</returns>
    public static IReadOnlyList<Type> PublicTypes(Assembly assembly) =>
        [.. assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal)];

    /// <summary>Returns the members of <paramref name="type"/> a caller outside the assembly can use (public, or protected on an unsealed type).</summary>
    /// <param name="type">The type.</param>
    /// <returns>The members, compiler-generated ones (record equality, clone) left out.</returns>
    public static IEnumerable<MemberInfo> VisibleMembers(Type type) =>
        type.GetMembers(Declared).Where(m => IsVisible(m, type) && !IsCompilerGenerated(m) && m is not Type);

    /// <summary>Renders the listing.</summary>
    /// <param name="assembly">The assembly.</param>
    /// <returns>The text, one line per type and per member, <c>\n</c>-separated with a final newline.</returns>
    public static string Render(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (var type in PublicTypes(assembly))
        {
            text.Append(TypeHeader(type)).Append('\n');
            var lines = type.IsEnum
                ? type.GetFields(BindingFlags.Public | BindingFlags.Static)
                    .Select(f => (Value: Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture), f.Name))
                    .OrderBy(f => f.Value).ThenBy(f => f.Name, StringComparer.Ordinal)
                    .Select(f => $"  {f.Name} = {f.Value}")
                : VisibleMembers(type)
                    .Select(m => (Key: (m is ConstructorInfo ? "0" : "1") + m.Name, Line: "  " + Member(m)))
                    .Where(l => l.Line.Length > 2)
                    .OrderBy(l => l.Key, StringComparer.Ordinal)
                    .ThenBy(l => l.Line, StringComparer.Ordinal)
                    .Select(l => l.Line);
            foreach (var line in lines)
            {
                text.Append(line).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>Returns whether a property carries the C# <c>required</c> modifier.</summary>
    /// <param name="member">The property or field.</param>
    /// <returns><see langword="true"/> when required.</returns>
    public static bool IsRequired(MemberInfo member) => member.IsDefined(typeof(RequiredMemberAttribute), false);

    /// <summary>Formats a type as C# source would name it (short names, nullability when known).</summary>
    /// <param name="type">The type.</param>
    /// <param name="nullability">Its nullability, or <see langword="null"/>.</param>
    /// <returns>The name.</returns>
    public static string TypeName(Type type, NullabilityInfo? nullability = null)
    {
        if (type.IsByRef)
        {
            return TypeName(type.GetElementType()!, nullability);
        }

        string name;
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return TypeName(underlying, nullability?.GenericTypeArguments.FirstOrDefault()) + "?";
        }

        if (type.IsArray)
        {
            name = TypeName(type.GetElementType()!, nullability?.ElementType) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        }
        else if (Keyword(type) is { } keyword)
        {
            name = keyword;
        }
        else if (type.IsGenericType)
        {
            var args = type.GetGenericArguments();
            var names = args.Select((a, i) => TypeName(a, nullability is { GenericTypeArguments.Length: > 0 } n && i < n.GenericTypeArguments.Length ? n.GenericTypeArguments[i] : null));
            var bare = type.Name;
            var tick = bare.IndexOf('`', StringComparison.Ordinal);
            name = Outer(type) + (tick < 0 ? bare : bare[..tick]) + "<" + string.Join(", ", names) + ">";
        }
        else
        {
            name = Outer(type) + type.Name;
        }

        return !type.IsValueType && nullability?.ReadState == NullabilityState.Nullable ? name + "?" : name;
    }

    private static string Outer(Type type) => type.IsNested && !type.IsGenericParameter ? TypeName(type.DeclaringType!) + "." : "";

    private static string? Keyword(Type type) => type.IsGenericParameter || type.IsEnum ? null : Type.GetTypeCode(type) switch
    {
        TypeCode.Boolean => "bool",
        TypeCode.Byte => "byte",
        TypeCode.SByte => "sbyte",
        TypeCode.Char => "char",
        TypeCode.Int16 => "short",
        TypeCode.UInt16 => "ushort",
        TypeCode.Int32 => "int",
        TypeCode.UInt32 => "uint",
        TypeCode.Int64 => "long",
        TypeCode.UInt64 => "ulong",
        TypeCode.Single => "float",
        TypeCode.Double => "double",
        TypeCode.Decimal => "decimal",
        TypeCode.String => "string",
        _ when type == typeof(object) => "object",
        _ when type == typeof(void) => "void",
        _ => null,
    };

    private static bool IsVisible(MemberInfo member, Type type)
    {
        static bool Visible(MethodBase? m, Type t) => m is not null && (m.IsPublic || ((m.IsFamily || m.IsFamilyOrAssembly) && !t.IsSealed));
        return member switch
        {
            MethodBase m => Visible(m, type) && (!m.IsSpecialName || m.Name.StartsWith("op_", StringComparison.Ordinal) || m is ConstructorInfo),
            PropertyInfo p => Visible(p.GetMethod, type) || Visible(p.SetMethod, type),
            FieldInfo f => f.IsPublic || ((f.IsFamily || f.IsFamilyOrAssembly) && !type.IsSealed),
            EventInfo e => Visible(e.AddMethod, type),
            _ => false,
        };
    }

    private static bool IsCompilerGenerated(MemberInfo member) =>
        member.IsDefined(typeof(CompilerGeneratedAttribute), false) || member.Name is "EqualityContract" or "<Clone>$";

    private static string TypeHeader(Type type)
    {
        string kind;
        if (type.IsEnum)
        {
            kind = "enum";
        }
        else if (type.IsInterface)
        {
            kind = "interface";
        }
        else if (typeof(Delegate).IsAssignableFrom(type))
        {
            var invoke = type.GetMethod("Invoke")!;
            return $"public delegate {TypeName(invoke.ReturnType)} {type.FullName}({Parameters(invoke)})";
        }
        else
        {
            var record = type.GetMethod("<Clone>$") is not null || (type.IsValueType && type.GetProperty("EqualityContract", Declared) is null && type.GetMethod("PrintMembers", Declared) is not null);
            var what = type.IsValueType ? (record ? "record struct" : "struct") : record ? "record" : "class";
            var modifier = type.IsValueType ? (type.IsDefined(typeof(IsReadOnlyAttribute), false) ? "readonly " : "")
                : type is { IsAbstract: true, IsSealed: true } ? "static "
                : type.IsAbstract ? "abstract "
                : type.IsSealed ? "sealed " : "";
            kind = modifier + what;
        }

        var bases = new List<string>();
        if (type is { IsClass: true, BaseType: { } b } && b != typeof(object) && !typeof(Delegate).IsAssignableFrom(type))
        {
            bases.Add(TypeName(b));
        }

        var inherited = type.BaseType?.GetInterfaces() ?? [];
        bases.AddRange(type.GetInterfaces().Where(i => !inherited.Contains(i) && (i.IsPublic || i.IsNestedPublic)).Select(i => TypeName(i)).Order(StringComparer.Ordinal));
        var name = type.IsGenericType
            ? type.FullName![..type.FullName!.IndexOf('`', StringComparison.Ordinal)] + "<" + string.Join(", ", type.GetGenericArguments().Select(a => a.Name)) + ">"
            : type.FullName!.Replace('+', '.');
        return $"public {kind} {name}" + (bases.Count > 0 ? " : " + string.Join(", ", bases) : "");
    }

    private static string Member(MemberInfo member)
    {
        var context = new NullabilityInfoContext();
        switch (member)
        {
            case ConstructorInfo c:
                return $"{Access(c)}ctor({Parameters(c)})";
            case MethodInfo m:
                var generic = m.IsGenericMethodDefinition ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : "";
                var returns = TypeName(m.ReturnType, context.Create(m.ReturnParameter));
                return $"{Access(m)}{Modifiers(m)}{returns} {m.Name}{generic}({Parameters(m)})";
            case PropertyInfo p:
                var info = context.Create(p);
                var accessors = new List<string>();
                if (p.GetMethod is { } get && (get.IsPublic || get.IsFamily || get.IsFamilyOrAssembly))
                {
                    accessors.Add("get;");
                }

                if (p.SetMethod is { } set && (set.IsPublic || set.IsFamily || set.IsFamilyOrAssembly))
                {
                    accessors.Add(set.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)) ? "init;" : "set;");
                }

                var indexer = p.GetIndexParameters() is { Length: > 0 } ip ? "this[" + string.Join(", ", ip.Select(Parameter)) + "]" : p.Name;
                var accessor = p.GetMethod ?? p.SetMethod!;
                return $"{Access(accessor)}{(IsRequired(p) ? "required " : "")}{Modifiers(accessor)}{TypeName(p.PropertyType, info)} {indexer} {{ {string.Join(" ", accessors)} }}";
            case FieldInfo f:
                var constant = f.IsLiteral ? "const " : (f.IsStatic ? "static " : "") + (f.IsInitOnly ? "readonly " : "");
                var value = f.IsLiteral ? " = " + Literal(f.GetRawConstantValue()) : "";
                return $"{(f.IsPublic ? "" : "protected ")}{(IsRequired(f) ? "required " : "")}{constant}{TypeName(f.FieldType, context.Create(f))} {f.Name}{value}";
            case EventInfo e:
                return $"{Access(e.AddMethod!)}event {TypeName(e.EventHandlerType!, context.Create(e))} {e.Name}";
            default:
                return "";
        }
    }

    private static string Access(MethodBase method) => method.IsPublic ? "" : "protected ";

    private static string Modifiers(MethodBase method) =>
        method.IsStatic ? "static "
        : method.IsAbstract && !method.DeclaringType!.IsInterface ? "abstract "
        : method is MethodInfo m && m.GetBaseDefinition() != m ? (m.IsFinal ? "sealed override " : "override ")
        : method.IsVirtual && !method.IsFinal && !method.DeclaringType!.IsInterface ? "virtual " : "";

    private static string Parameters(MethodBase method) => string.Join(", ", method.GetParameters().Select(Parameter));

    private static string Parameter(ParameterInfo parameter)
    {
        var prefix = parameter.IsOut ? "out " : parameter.ParameterType.IsByRef ? (parameter.IsIn ? "in " : "ref ") : "";
        if (parameter.IsDefined(typeof(ParamArrayAttribute), false) || parameter.IsDefined(typeof(ParamCollectionAttribute), false))
        {
            prefix = "params ";
        }

        var text = $"{prefix}{TypeName(parameter.ParameterType, new NullabilityInfoContext().Create(parameter))} {parameter.Name}";
        return parameter.HasDefaultValue ? text + " = " + Literal(parameter.DefaultValue) : text;
    }

    private static string Literal(object? value) => value switch
    {
        null => "default",
        string s => "\"" + s + "\"",
        bool b => b ? "true" : "false",
        char c => "'" + c + "'",
        Enum e => e.GetType().Name + "." + e,
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
