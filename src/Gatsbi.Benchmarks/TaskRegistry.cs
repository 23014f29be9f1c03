using Gatsbi.Benchmarks.Tasks;

namespace Gatsbi.Benchmarks;

/// <summary>The benchmark tasks by sbibm name.</summary>
public static class TaskRegistry
{
    private static readonly Dictionary<string, Func<string?, BenchmarkTask>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["two_moons"] = folder => new TwoMoons { ReferenceFolder = folder },
        ["slcp"] = folder => new Slcp { ReferenceFolder = folder },
        ["slcp_distractors"] = folder => new SlcpDistractors { ReferenceFolder = folder },
        ["gaussian_linear"] = folder => new GaussianLinear { ReferenceFolder = folder },
        ["gaussian_linear_uniform"] = folder => new GaussianLinearUniform { ReferenceFolder = folder },
        ["gaussian_mixture"] = folder => new GaussianMixture { ReferenceFolder = folder },
        ["bernoulli_glm"] = folder => new BernoulliGlm { ReferenceFolder = folder },
        ["bernoulli_glm_raw"] = folder => new BernoulliGlmRaw { ReferenceFolder = folder },
        ["sir"] = folder => new Sir { ReferenceFolder = folder },
        ["lotka_volterra"] = folder => new LotkaVolterra { ReferenceFolder = folder },
    };

    /// <summary>Task names in sbibm's order.</summary>
    public static IReadOnlyCollection<string> Names => Factories.Keys;

    /// <summary>The task called <paramref name="name"/>; reference samples are also looked up in <paramref name="referenceFolder"/> when given.</summary>
    public static BenchmarkTask Get(string name, string? referenceFolder = null) =>
        Factories.TryGetValue(name, out var make)
            ? make(referenceFolder)
            : throw new ArgumentException($"Unknown task '{name}'. Known tasks: {string.Join(", ", Factories.Keys)}.");
}
