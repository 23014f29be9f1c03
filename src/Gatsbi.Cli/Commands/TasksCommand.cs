using System.CommandLine;
using Gatsbi.Benchmarks;

namespace Gatsbi.Cli.Commands;

/// <summary>Lists the benchmark tasks: dimensions, prior, simulation budgets and where their reference posteriors come from.</summary>
internal static class TasksCommand
{
    public static Command Create()
    {
        var references = ReferenceOptions.Folder();
        var command = new Command("tasks", "List the benchmark tasks with their dimensions, prior and reference posteriors.") { references };
        command.SetBody((parse, _) =>
        {
            var folder = parse.GetValue(references);
            var rows = TaskRegistry.Names.Select(name => TaskRegistry.Get(name, folder)).Select(task => new[]
            {
                task.Name, task.ParameterDimension.ToString(), task.DataDimension.ToString(), task.PriorDescription,
                string.Join(" ", task.SimulationBudgets.Select(Budget)), ReferenceSummary(task),
            }).ToList();
            string[] header = ["task", "dim θ", "dim x", "prior", "budgets", "reference posteriors"];
            var widths = header.Select((h, j) => rows.Select(r => r[j].Length).Append(h.Length).Max()).ToArray();
            string Line(string[] cells) => string.Join("  ", cells.Select((c, j) => j == cells.Length - 1 ? c : c.PadRight(widths[j]))).TrimEnd();
            Console.WriteLine(Line(header));
            foreach (var row in rows) Console.WriteLine(Line(row));
            if (rows.Any(r => r[^1].StartsWith("missing", StringComparison.Ordinal)))
                Console.WriteLine($"\nMissing references can be given with --references <folder> laid out as <folder>/<task>/num_observation_<k>/{BenchmarkTask.ReferenceFileName}[.gz].");
            return 0;
        });
        return command;
    }

    private static string Budget(int n) => n switch
    {
        >= 1_000_000 when n % 1_000_000 == 0 => $"{n / 1_000_000}M",
        >= 1_000 when n % 1_000 == 0 => $"{n / 1_000}k",
        _ => n.ToString(),
    };

    /// <summary>"bundled", "bundled (generated)", "closed form", "from folder", or "missing", with counts when observations differ.</summary>
    private static string ReferenceSummary(BenchmarkTask task)
    {
        var origins = Enumerable.Range(1, BenchmarkTask.ObservationCount).Select(k => task.FindReference(k)?.Origin).ToArray();
        var groups = origins.GroupBy(o => o).Select(g => (Label: g.Key switch
        {
            ReferenceOrigin.Embedded => "bundled",
            ReferenceOrigin.Folder => "from folder",
            ReferenceOrigin.ClosedForm => "closed form",
            ReferenceOrigin.Generated => "bundled (generated)",
            _ => "missing",
        }, Count: g.Count())).OrderBy(g => g.Label == "missing" ? 1 : 0).ToList();
        return groups.Count == 1 && groups[0].Label != "missing"
            ? groups[0].Label
            : string.Join(", ", groups.Select(g => $"{g.Label} {g.Count}/{BenchmarkTask.ObservationCount}"));
    }
}
