using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Gatsbi.Cli;

/// <summary>
/// A command line the parser rejects (a value that is not a number, an unknown option, a missing required
/// one) as the single "error:" line that every other input error is, instead of the parser's help dump.
/// </summary>
internal static class ParseErrors
{
    /// <summary>The line for <paramref name="parse"/>'s errors: each named, then where the options are listed.</summary>
    public static string Describe(ParseResult parse)
    {
        var messages = parse.Errors.Select(Message).Distinct();
        string command = string.Join(' ', CommandPath(parse.CommandResult));
        return $"error: {string.Join(" ", messages)} See '{command} --help'.";
    }

    /// <summary>
    /// A value that does not convert is named with its option and what was expected ("--simulations: 'abc' is
    /// not a whole number"); the parser's own wording names .NET types. Other errors keep the parser's message.
    /// </summary>
    private static string Message(ParseError error)
    {
        var option = error.SymbolResult switch
        {
            OptionResult o => o,
            ArgumentResult { Parent: OptionResult o } => o,
            _ => null,
        };
        if (option is null) return error.Message;
        var type = Nullable.GetUnderlyingType(option.Option.ValueType) ?? option.Option.ValueType;
        if (type.IsArray) type = type.GetElementType()!;
        var (accepts, expected) = NumberParsers.GetValueOrDefault(type);
        var bad = accepts is null ? null : option.Tokens.FirstOrDefault(t => !accepts(t.Value));
        return bad is null ? error.Message : $"{option.Option.Name}: '{bad.Value}' is not {expected}.";
    }

    private static readonly Dictionary<Type, (Func<string, bool> Accepts, string Expected)> NumberParsers = new()
    {
        [typeof(int)] = (s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out _), "a whole number"),
        [typeof(ulong)] = (s => ulong.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out _), "a whole number ≥ 0"),
        [typeof(float)] = (s => float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _), "a number"),
        [typeof(double)] = (s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _), "a number"),
    };

    /// <summary>"gatsbi train" for the train command: the root's name is the executable's, so it is spelled out.</summary>
    private static IEnumerable<string> CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
            if (r is CommandResult c && c.Parent is not null) names.Add(c.Command.Name);
        names.Add("gatsbi");
        names.Reverse();
        return names;
    }
}
