using Gatsbi.Benchmarks;
using Gatsbi.Distributions;

namespace Gatsbi.Tests.Benchmarks;

public sealed class TaskRegistryTests
{
    /// <summary>Dimensions of θ and x per task, as sbibm defines them (sbibm/tasks/&lt;task&gt;/task.py; the table in docs/tasks.md).</summary>
    public static TheoryData<string, int, int> Shapes => new()
    {
        { "two_moons", 2, 2 }, { "slcp", 5, 8 }, { "slcp_distractors", 5, 100 }, { "gaussian_linear", 10, 10 },
        { "gaussian_linear_uniform", 10, 10 }, { "gaussian_mixture", 2, 2 }, { "bernoulli_glm", 10, 10 },
        { "bernoulli_glm_raw", 10, 100 }, { "sir", 2, 10 }, { "lotka_volterra", 4, 20 },
    };

    [Fact]
    public void Registry_lists_the_ten_tasks_in_sbibm_order()
    {
        Assert.Equal(["two_moons", "slcp", "slcp_distractors", "gaussian_linear", "gaussian_linear_uniform", "gaussian_mixture",
            "bernoulli_glm", "bernoulli_glm_raw", "sir", "lotka_volterra"], TaskRegistry.Names);
        Assert.Equal(ReferenceOrigin.Generated, TaskRegistry.Get("sir").FindReference(1)!.Origin);
        Assert.Equal(ReferenceOrigin.Generated, TaskRegistry.Get("lotka_volterra").FindReference(1)!.Origin);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Task_has_its_dimensions_names_observations_and_prior(string name, int parameters, int data)
    {
        var task = TaskRegistry.Get(name);
        Assert.Equal(name, task.Name);
        Assert.Equal(parameters, task.ParameterDimension);
        Assert.Equal(data, task.DataDimension);
        Assert.Equal(parameters, task.Prior.Dimension);
        Assert.Equal(parameters, task.ParameterNames.Length);
        Assert.Equal(data, task.DataNames.Length);
        Assert.False(string.IsNullOrWhiteSpace(task.PriorDescription));
        for (int k = 1; k <= BenchmarkTask.ObservationCount; k++)
        {
            Assert.Equal(data, task.Observation(k).Length);
            var theta = task.TrueParameters(k);
            Assert.Equal(parameters, theta.Length);
            if (task.Prior is IDensity density) Assert.True(double.IsFinite(density.LogDensity(theta)), $"{name} θ_true of observation {k} has zero prior density");
        }
        Assert.Contains(name, TaskRegistry.Names);
    }

    /// <summary>Chunks carry their own seeds, so every task's simulations are the same on 1 and 2 threads.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void Simulation_does_not_depend_on_the_thread_count(string name, int parameters, int data)
    {
        var task = TaskRegistry.Get(name);
        var theta = task.Prior.Sample(600, new Randomness.Rng(9));
        Assert.Equal(parameters, theta.GetLength(1));
        var one = new Gatsbi.Simulation.SimulationRunner { MaxThreads = 1, ChunkSize = 100 }.Simulate(task.Simulator, theta, seed: 4);
        var two = new Gatsbi.Simulation.SimulationRunner { MaxThreads = 2, ChunkSize = 100 }.Simulate(task.Simulator, theta, seed: 4);
        Assert.Equal(data, one.GetLength(1));
        Assert.Equal(one.AsSpan().ToArray(), two.AsSpan().ToArray());
    }

    [Fact]
    public void Missing_reference_names_the_task_the_observation_and_the_expected_layout()
    {
        using var folder = new Core.TempFolder();
        var task = new ReferencelessTask { ReferenceFolder = folder.Path };
        Assert.False(task.HasReferencePosterior(3));
        var error = Assert.Throws<MissingReferenceException>(() => task.ReferencePosterior(3));
        Assert.Contains("no_reference_task", error.Message);
        Assert.Contains("observation 3", error.Message);
        Assert.Contains(folder.Path, error.Message);
        Assert.Contains("num_observation_3/reference_posterior_samples.csv", error.Message);
    }

    [Fact]
    public void Reference_folder_that_does_not_exist_is_reported()
    {
        var task = TaskRegistry.Get("slcp", "/no/such/folder");
        var error = Assert.Throws<DirectoryNotFoundException>(() => task.ReferencePosterior(1));
        Assert.Contains("/no/such/folder", error.Message);
    }

    [Fact]
    public void Reference_in_a_folder_with_the_wrong_width_is_reported_with_its_path()
    {
        using var folder = new Core.TempFolder();
        var path = Path.Combine(folder.Path, "slcp", "num_observation_2");
        Directory.CreateDirectory(path);
        Gatsbi.Storage.CsvMatrix.Write(Path.Combine(path, "reference_posterior_samples.csv"), new float[,] { { 1, 2 } }, "parameter");
        var task = TaskRegistry.Get("slcp", folder.Path);
        var error = Assert.Throws<InvalidDataException>(() => task.ReferencePosterior(2));
        Assert.Contains(path, error.Message);
        Assert.Contains("expected 5", error.Message);
        // Other observations still come from the bundled data.
        Assert.Equal(ReferenceOrigin.Embedded, task.FindReference(1)!.Origin);
    }

    /// <summary>A task with no bundled references and no closed form (as sir and lotka_volterra).</summary>
    private sealed class ReferencelessTask : BenchmarkTask
    {
        public override string Name => "no_reference_task";
        public override string PriorDescription => "none";
        public override IPrior Prior { get; } = new BoxUniform(1, 0f, 1f);
        public override Gatsbi.Simulation.ISimulator Simulator { get; } = new Gatsbi.Simulation.PerSampleSimulator(1, 1, (t, x, _) => x[0] = t[0]);
        public override string[] ParameterNames { get; } = ["a"];
        public override DataStatistic PlausibilityStatistic(float[] theta) => x => x[0];
    }
}
