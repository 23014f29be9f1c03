using Gatsbi.Benchmarks.Tasks;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Simulation;
using Gatsbi.Storage;
using Gatsbi.Tests.Core;
using TorchSharp;

namespace Gatsbi.Tests.Inference;

/// <summary>
/// Users wrap their own loops in dispose scopes (as TorchSharp recommends); a posterior trained or loaded
/// inside one must outlive that scope.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class OwnershipTests : TorchTest, IDisposable
{
    private static readonly TwoMoons Task = new();
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_posterior_trained_inside_a_callers_dispose_scope_outlives_it()
    {
        var simulations = new SimulationRunner().Run(Task.Prior, Task.Simulator, 400, seed: 2);
        GatsbiResult result;
        using (torch.NewDisposeScope())
            result = new GatsbiTrainer(GatsbiOptions.Fast() with { MaxEpochs = 5, LogEvery = 5 }).Train(simulations, Task.Prior.Support, seed: 2);
        using var posterior = result.Posterior;

        var samples = posterior.Sample(Task.Observation(1), 100, seed: 1);
        Assert.Equal(100, samples.Count);
    }

    [Fact]
    public void A_posterior_loaded_inside_a_callers_dispose_scope_outlives_it()
    {
        var simulations = new SimulationRunner().Run(Task.Prior, Task.Simulator, 400, seed: 2);
        string path = Path.Combine(_temp.Path, "m.gatsbi");
        using (var trained = new GatsbiTrainer(GatsbiOptions.Fast() with { MaxEpochs = 5, LogEvery = 5 }).Train(simulations, Task.Prior.Support, seed: 2).Posterior)
            PosteriorFile.Save(path, trained, new ModelInfo(Task.ParameterNames, Task.DataNames, new Dictionary<string, string>()));

        LoadedPosterior loaded;
        using (torch.NewDisposeScope())
            loaded = PosteriorFile.Load(path);
        using var posterior = loaded.Posterior;

        Assert.Equal(100, posterior.Sample(Task.Observation(1), 100, seed: 1).Count);
    }
}
