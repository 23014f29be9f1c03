using Gatsbi.Benchmarks.Tasks;
using Gatsbi.Distributions;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Nn;
using Gatsbi.Posteriors;
using Gatsbi.Simulation;
using Gatsbi.Tests.Core;
using TorchSharp;
using Xunit.Abstractions;

namespace Gatsbi.Tests.Inference;

/// <summary>
/// Memory flatness, measured with TorchSharp's per-thread tensor statistics
/// (<see cref="DisposeScopeManager.Statistics"/>: tensors created minus tensors disposed on this thread).
/// Training runs synchronously on the test thread, so every tensor it creates is counted here; a tensor
/// that is only reclaimed by the GC finalizer (on another thread) stays counted as live, which is exactly
/// what a leak is.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class TrainingMemoryTests(ITestOutputHelper output) : TorchTest
{
    private static readonly TwoMoons Task = new();

    private static long Live => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    private static GatsbiOptions Small(int epochs, bool stoppingRules, bool spectralNorm = true) => GatsbiOptions.Fast() with
    {
        Generator = new GeneratorSpec([8, 8], NoiseAfterLayer: 1, LatentDimension: null, LeakyOutput: false),
        Discriminator = new DiscriminatorSpec([8, 8], SpectralNorm: spectralNorm),
        MaxEpochs = epochs,
        HoldOut = 50,
        LogEvery = 10,
        UseStoppingRules = stoppingRules,
        StopThreshold = 0, // the "cannot separate" rule never fires, so every run uses all its epochs
        EnsembleSize = 1,
        Threads = 1,
    };

    private static SimulationSet Data() => new SimulationRunner().Run(Task.Prior, Task.Simulator, 300, seed: 1);

    /// <summary>Tensors a training run leaves live once its result is disposed.</summary>
    private long LeftBehind(GatsbiOptions options, SimulationSet data)
    {
        long before = Live;
        var result = new GatsbiTrainer(options).Train(data, Task.Prior.Support, seed: 1);
        Assert.Equal(options.MaxEpochs, result.Epochs);
        long owned = result.Posterior.Generator.parameters().Count() + result.Posterior.Generator.buffers().Count();
        long withResult = Live - before;
        result.Posterior.Dispose();
        long after = Live - before;
        output.WriteLine($"{options.MaxEpochs} epochs, stopping rules {options.UseStoppingRules}: {withResult} live with the result (which owns {owned}), {after} after disposing it");
        Assert.Equal(owned, withResult - after);
        return after;
    }

    [Fact]
    public void Live_tensor_count_does_not_grow_with_the_number_of_epochs()
    {
        var data = Data();
        long shortRun = LeftBehind(Small(20, stoppingRules: false), data);
        long longRun = LeftBehind(Small(300, stoppingRules: false), data);
        // A per-epoch leak would leave at least 280 more tensors after the long run, a per-log leak 28 more.
        Assert.Equal(shortRun, longRun);
    }

    /// <summary>
    /// BUG in src (GatsbiTrainer.Run.AllFinite): <c>using var finite = isfinite(p).all();</c> disposes only the
    /// result of <c>all()</c>; the element-wise <c>isfinite(p)</c> tensor (as large as the parameter) is never
    /// disposed. AllFinite runs over every G and D parameter at every hold-out log when UseStoppingRules is
    /// on (the Paper preset's default), so each log leaks one tensor per parameter: 13 per log here, and for
    /// the Paper discriminator about 17 MB of native memory per log, released only if the GC happens to
    /// finalize them.
    /// </summary>
    [Fact]
    public void Live_tensor_count_does_not_grow_with_the_number_of_logs_when_stopping_rules_are_on()
    {
        var data = Data();
        long shortRun = LeftBehind(Small(20, stoppingRules: true), data);
        long longRun = LeftBehind(Small(300, stoppingRules: true), data);
        Assert.Equal(shortRun, longRun);
    }

    /// <summary>
    /// BUG in src (minor): a run should leave nothing behind but what its result owns. It leaves 4 tensors per
    /// SpectralNormLinear (constructor temporaries: the two <c>randn</c> vectors passed to <c>normalize</c>
    /// and the two <c>detach()</c> aliases of the template weight and bias, which keep the template's storage
    /// alive until finalized) and 1 per Standardization.Fit. See the two focused tests below.
    /// </summary>
    [Fact]
    public void A_run_leaves_nothing_behind_once_its_result_is_disposed()
    {
        Assert.Equal(0, LeftBehind(Small(5, stoppingRules: false), Data()));
    }

    [Fact]
    public void Constructing_and_disposing_a_spectral_norm_layer_leaves_nothing_behind()
    {
        long before = Live;
        using (new SpectralNormLinear(3, 4)) { }
        Assert.Equal(0, Live - before);
    }

    [Fact]
    public void Standardization_Fit_leaves_nothing_behind()
    {
        using var values = torch.randn(10, 3);
        using var s = new Standardization(3);
        long before = Live;
        s.Fit(values);
        Assert.Equal(0, Live - before);
    }

    [Fact]
    public void Plain_modules_and_posterior_sampling_leave_nothing_behind()
    {
        long before = Live;
        using (new ConditionalGenerator(2, 2, new GeneratorSpec([8, 8], 1, null, false))) { }
        using (new Discriminator(2, 2, new DiscriminatorSpec([8, 8], SpectralNorm: false))) { }
        Assert.Equal(0, Live - before);

        using var posterior = new GatsbiPosterior(new ConditionalGenerator(2, 2, new GeneratorSpec([8], 1, null, false)), Support.Box(2, -1f, 1f));
        before = Live;
        posterior.Sample([0.1f, 0.2f], 2000, seed: 3);
        Assert.Equal(0, Live - before);
    }

    /// <summary>
    /// The convolutional path (encoder networks with BatchNorm, the energy-score term, cosine decay): a long run
    /// leaves as many tensors behind as a short one, and none once its result is disposed.
    /// </summary>
    [Fact]
    public void Convolutional_training_leaves_nothing_behind_however_many_epochs()
    {
        var spec = new Gatsbi.Nn.Convolutional.EncoderNetworks(2, 12, 12, [4, 4], [4, 4], StemStride: 2, LatentDimension: 3, EmbeddingWidth: 4, HeadUnits: [8]);
        var rng = new Gatsbi.Randomness.Rng(2);
        var theta = new float[120, 3];
        var x = new float[120, spec.DataDimension];
        for (int i = 0; i < 120; i++)
        {
            for (int j = 0; j < 3; j++) theta[i, j] = (float)rng.Normal();
            for (int k = 0; k < spec.DataDimension; k++) x[i, k] = theta[i, k % 3] + (float)rng.Normal();
        }
        var data = new SimulationSet(theta, x);
        long Run(int epochs)
        {
            long before = Live;
            var options = Small(epochs, stoppingRules: false) with { Convolutional = spec, EnergyScoreWeight = 0.1, HoldOut = 20, MaxBatchSize = 32 };
            var result = new GatsbiTrainer(options).Train(data, support: null, seed: 1);
            Assert.Equal(epochs, result.Epochs);
            result.Posterior.Dispose();
            return Live - before;
        }
        long shortRun = Run(10);
        long longRun = Run(120);
        output.WriteLine($"left behind: {shortRun} after 10 epochs, {longRun} after 120");
        Assert.Equal(0, shortRun);
        Assert.Equal(shortRun, longRun);
    }
}
