using Gatsbi.Cli;

namespace Gatsbi.Tests.Cli;

/// <summary>
/// <see cref="MachineLimits"/> on a made-up machine (4 cores, 1 GiB), so that every limit is reached with small,
/// machine-independent numbers; the commands' use of it is in <see cref="MisuseTests"/>.
/// </summary>
public sealed class MachineLimitsTests
{
    private static readonly MachineLimits Machine = new(processors: 4, memoryBytes: 1L << 30);

    private static string Refusal(Action check) => Assert.Throws<ArgumentException>(check).Message;

    [Fact]
    public void Threads_go_up_to_the_cores()
    {
        Machine.RequireThreads(4, "--threads");
        Machine.RequireThreads(null, "--threads");
        Assert.Equal("--threads 5 is more than the 4 cores of this machine; threads beyond the cores only take turns on them. Give at most 4.",
            Refusal(() => Machine.RequireThreads(5, "--threads")));
        Assert.Contains("--threads must be at least 1; got 0", Refusal(() => Machine.RequireThreads(0, "--threads")));
    }

    [Fact]
    public void Simulator_processes_go_up_to_four_per_core()
    {
        Machine.RequireProcesses(16, "--workers");
        var message = Refusal(() => Machine.RequireProcesses(17, "--workers"));
        Assert.Contains("--workers 17", message);
        Assert.Contains("give at most 16", message);
        Assert.Contains("--workers must be at least 1; got -2", Refusal(() => Machine.RequireProcesses(-2, "--workers")));
    }

    [Fact]
    public void Ensembles_go_up_to_the_fixed_maximum()
    {
        MachineLimits.RequireEnsemble(MachineLimits.MaxEnsemble, "--ensemble");
        MachineLimits.RequireEnsemble(null, "--ensemble");
        Assert.Contains("--ensemble 100,000 is more than 100 generators", Refusal(() => MachineLimits.RequireEnsemble(100_000, "--ensemble")));
        Assert.Contains("--ensemble must be at least 1; got 0", Refusal(() => MachineLimits.RequireEnsemble(0, "--ensemble")));
    }

    /// <summary>
    /// Training holds three copies of the simulations and one more per generator training at a time: with one
    /// generator 4 × (2 + 3 values) × 4 bytes = 80 bytes a simulation, so 1 GiB holds 13,421,772 of them and not
    /// one more. Of an ensemble of 10, at most one per core (4) trains at a time.
    /// </summary>
    [Fact]
    public void Training_data_is_refused_when_its_copies_exceed_the_memory_naming_both_sizes_and_the_option()
    {
        Machine.RequireTrainingData("--simulations", 13_421_772, 2, 3);
        var message = Refusal(() => Machine.RequireTrainingData("--simulations", 13_421_773, 2, 3));
        Assert.StartsWith("--simulations 13,421,773 needs at least 1.0 GiB of memory (4 copies of 13,421,773 simulations × 5 values × 4 bytes", message);
        Assert.EndsWith("but this machine has 1.0 GiB for this process; lower --simulations.", message);
        Assert.Contains("7 copies of 10,000,000 simulations", Refusal(() => Machine.RequireTrainingData("--simulations", 10_000_000, 2, 3, ensemble: 10)));
    }

    /// <summary>Beyond <see cref="Array.MaxLength"/> values no array can be made, however much memory there is.</summary>
    [Fact]
    public void An_array_longer_than_dotnet_allows_is_refused_whatever_the_memory()
    {
        var huge = new MachineLimits(processors: 4, memoryBytes: long.MaxValue);
        var message = Refusal(() => huge.RequireTrainingData("--simulations", 1_000_000_000, 3, 2));
        Assert.Equal($"--simulations 1,000,000,000 needs an array of 3,000,000,000 values (1,000,000,000 rows × 3 columns), more than the {Array.MaxLength:N0} one array can hold; lower --simulations.", message);
        Assert.Contains("--n 2,147,483,647 needs an array", Refusal(() => huge.RequireSamples("--n", int.MaxValue, 1)));
    }

    /// <summary>
    /// A neural posterior's sample of 2 values costs 32 bytes as its own array, 8 as a list entry and 8 in the
    /// output matrix: 48 bytes, so 1 GiB holds 22,369,621 samples.
    /// </summary>
    [Fact]
    public void Samples_count_the_arrays_drawing_makes()
    {
        Machine.RequireSamples("--n", 22_369_621, 2);
        Assert.Contains("--n 22,369,622 needs at least 1.0 GiB of memory (22,369,622 samples × 48 bytes", Refusal(() => Machine.RequireSamples("--n", 22_369_622, 2)));
    }

    /// <summary>simulate holds every θ row from the start but only a chunk of 256 x rows per worker.</summary>
    [Fact]
    public void Simulation_files_count_all_theta_rows_and_a_chunk_of_x_rows_per_worker()
    {
        Machine.RequireSimulationFiles("--count", 100_000_000, 2, "--data", 1_000, workers: 4);
        Assert.Contains("--count 200,000,000 needs at least 1.5 GiB", Refusal(() => Machine.RequireSimulationFiles("--count", 200_000_000, 2, "--data", 1_000, workers: 4)));
        Assert.Contains("--data 1,000,000,000 needs an array of 256,000,000,000 values", Refusal(() => Machine.RequireSimulationFiles("--count", 10, 2, "--data", 1_000_000_000, workers: 4)));
    }
}
