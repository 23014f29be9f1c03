using Gatsbi.Distributions;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Native;
using Gatsbi.Simulation;
using Gatsbi.Storage;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Examples;

/// <summary>The README's library example, on a tiny budget, so that the documented API keeps compiling and working.</summary>
[Collection(TorchCollection.Name)]
public sealed class ReadmeExampleTests
{
    public ReadmeExampleTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void The_readme_library_example_runs()
    {
        using var folder = new TempFolder();
        var prior = new BoxUniform(dimension: 2, low: -1f, high: 1f);
        var simulator = new PerSampleSimulator(parameterDimension: 2, dataDimension: 2, (theta, x, rng) =>
        {
            x[0] = theta[0] + 0.05f * (float)rng.Normal();
            x[1] = theta[0] * theta[1] + 0.05f * (float)rng.Normal();
        });

        var simulations = new SimulationRunner().Run(prior, simulator, count: 1_000, seed: 1);
        var result = new GatsbiTrainer(GatsbiOptions.Fast() with { MaxEpochs = 20, LogEvery = 10 }).Train(simulations, prior.Support, seed: 1);
        using var posterior = result.Posterior;
        var samples = posterior.Sample([0.4f, -0.1f], count: 500, seed: 7);

        string path = Path.Combine(folder.Path, "model.gatsbi");
        PosteriorFile.Save(path, posterior, new ModelInfo(["a", "b"], ["x1", "x2"], new Dictionary<string, string>()));
        var reloaded = PosteriorFile.Load(path);
        using var again = reloaded.Posterior;

        Assert.Equal(500, samples.Count);
        Assert.Equal(samples.Samples, again.Sample([0.4f, -0.1f], count: 500, seed: 7).Samples);
        Assert.Equal(["a", "b"], reloaded.Info.ParameterNames);
    }
}
