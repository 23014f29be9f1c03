using Gatsbi.Benchmarks.Tasks;

namespace Gatsbi.Benchmarks;

/// <summary>The benchmark tasks by sbibm name.</summary>
public static class TaskRegistry
{
    private static readonly Dictionary<string, Func<BenchmarkTask>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["two_moons"] = () => new TwoMoons(),
    };

    public static IReadOnlyCollection<string> Names => Factories.Keys;

    public static BenchmarkTask Get(string name) =>
        Factories.TryGetValue(name, out var make)
            ? make()
            : throw new ArgumentException($"Unknown task '{name}'. Known tasks: {string.Join(", ", Factories.Keys)}.");
}
