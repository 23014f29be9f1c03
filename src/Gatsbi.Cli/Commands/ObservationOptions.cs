using System.CommandLine;
using System.Globalization;
using Gatsbi.Benchmarks;
using Gatsbi.Storage;

namespace Gatsbi.Cli.Commands;

/// <summary>How commands take an observation x_o: a task's numbered observation, or one row of a file.</summary>
internal static class ObservationOptions
{
    /// <summary>
    /// The observation from --observation K (default 1 for a task) or --observation-file, with the task's observation
    /// number when it is one (null for a file); <paramref name="purpose"/> names what it is for in errors.
    /// </summary>
    public static (float[] Observation, string Description, int? Number) Read(ParseResult parse, Option<int?> number, Option<string?> file, BenchmarkTask? task,
        int dataDimension, string purpose) =>
        Resolve(parse.GetValue(number), parse.GetValue(file), task, dataDimension, purpose);

    /// <summary>As <see cref="Read(ParseResult, Option{int?}, Option{string?}, BenchmarkTask?, int, string)"/>, with an --observation that takes a number K or a file.</summary>
    public static (float[] Observation, string Description, int? Number) Read(ParseResult parse, Option<string?> numberOrFile, Option<string?> file, BenchmarkTask? task,
        int dataDimension, string purpose)
    {
        string? value = parse.GetValue(numberOrFile);
        if (value is not null && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int k))
            return Resolve(k, parse.GetValue(file), task, dataDimension, purpose);
        if (value is not null && parse.GetValue(file) is not null) throw new ArgumentException("Give --observation or --observation-file, not both.");
        return Resolve(null, value ?? parse.GetValue(file), task, dataDimension, purpose);
    }

    /// <summary>Observation numbers written as "3", "1-10", "1,3,5" or a mix ("1-3,7"); <paramref name="option"/> names the option in errors.</summary>
    public static List<int> ParseNumbers(string text, string option)
    {
        var numbers = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ends = part.Split('-');
            if (ends.Length is < 1 or > 2 || !ends.All(e => int.TryParse(e, CultureInfo.InvariantCulture, out _)))
                throw new ArgumentException($"{option}: '{part}' is neither a number nor a range like 1-10.");
            int from = int.Parse(ends[0], CultureInfo.InvariantCulture), to = int.Parse(ends[^1], CultureInfo.InvariantCulture);
            if (from < 1 || to > BenchmarkTask.ObservationCount || from > to)
                throw new ArgumentException($"{option}: '{part}' is outside 1..{BenchmarkTask.ObservationCount}.");
            numbers.AddRange(Enumerable.Range(from, to - from + 1));
        }
        if (numbers.Count == 0) throw new ArgumentException($"{option}: no observation numbers in '{text}'.");
        return numbers.Distinct().ToList();
    }

    private static (float[] Observation, string Description, int? Number) Resolve(int? k, string? path, BenchmarkTask? task, int dataDimension, string purpose)
    {
        if (path is not null && k is not null) throw new ArgumentException("Give --observation K or --observation-file FILE, not both.");
        if (path is null)
        {
            if (task is null) throw new ArgumentException($"Give --observation-file XO.csv: the observation for {purpose} (numbered observations belong to benchmark tasks).");
            int chosen = k ?? 1;
            if (chosen is < 1 or > BenchmarkTask.ObservationCount)
                throw new ArgumentException($"--observation must be between 1 and {BenchmarkTask.ObservationCount}; got {chosen}.");
            return (task.Observation(chosen), $"observation {chosen}", chosen);
        }
        var table = MatrixFile.Read(path, "data");
        if (table.Rows != 1) throw new ArgumentException($"{path}: expected exactly one observation row; found {table.Rows}.");
        if (table.Columns != dataDimension)
            throw new ArgumentException($"{path}: the observation has {table.Columns} values; expected data of dimension {dataDimension}.");
        return (table.Values.Row(0).ToArray(), $"the observation in {Path.GetFileName(path)}", null);
    }
}
