using Gatsbi.Distributions;
using Gatsbi.Randomness;
using Gatsbi.Simulation;
using Gatsbi.Storage;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Simulation;

/// <summary>Runs written to files as they go: order, what a failure leaves, and resume.</summary>
public sealed class SimulationFileTests : IDisposable
{
    private static readonly BoxUniform Prior = new(2, -1f, 1f);
    private static readonly string[] ThetaNames = ["parameter_1", "parameter_2"];
    private static readonly string[] DataNames = ["data_1", "data_2"];
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>NoisyScaleSimulator that throws on the rows where θ₁ is above a threshold, until disarmed.</summary>
    private sealed class FailingSimulator(float failAbove) : ISimulator
    {
        private readonly NoisyScaleSimulator _inner = new();
        public bool Armed { get; set; } = true;
        public int ParameterDimension => 2;
        public int DataDimension => 2;

        public void Simulate(float[,] theta, float[,] x, Rng rng)
        {
            for (int i = 0; i < theta.GetLength(0); i++)
                if (Armed && theta[i, 0] > failAbove) throw new SimulationFailedException(i, theta.Row(i).ToArray(), "scripted failure");
            _inner.Simulate(theta, x, rng);
        }
    }

    [Theory]
    [InlineData(".csv")]
    [InlineData(".csv.gz")]
    [InlineData(".npy")]
    public void A_run_to_files_equals_the_in_memory_run_whatever_the_thread_count(string extension)
    {
        var expected = new SimulationRunner { ChunkSize = 16, MaxThreads = 1 }.Run(Prior, new NoisyScaleSimulator(), 300, seed: 9);
        foreach (int threads in new[] { 1, 3 })
        {
            var (thetaPath, xPath) = Paths($"t{threads}", extension);
            using (var files = SimulationFileWriter.Create(thetaPath, xPath, ThetaNames, DataNames))
            {
                var result = new SimulationRunner { ChunkSize = 16, MaxThreads = threads }.RunToFiles(Prior, new NoisyScaleSimulator(), 300, 9, files);
                Assert.Equal(new SimulationFileResult(300, 0, 0), result);
            }
            Assert.Equal(expected.Theta, MatrixFile.Read(thetaPath).Values);
            Assert.Equal(expected.X, MatrixFile.Read(xPath).Values);
        }
    }

    [Fact]
    public void Chunks_reach_the_callback_in_order_even_when_they_finish_out_of_order()
    {
        // Chunk 0 is the slowest, so later chunks finish first and must wait.
        var simulator = new PerSampleSimulator(1, 1, (theta, x, _) =>
        {
            if (theta[0] == 0) Thread.Sleep(200);
            x[0] = theta[0];
        });
        var theta = new float[40, 1];
        for (int i = 0; i < 40; i++) theta[i, 0] = i;
        var seen = new List<int>();
        new SimulationRunner { ChunkSize = 4, MaxThreads = 4 }.SimulateChunks(simulator, theta, 1, chunk =>
        {
            seen.Add(chunk.Index);
            Assert.Equal(chunk.Index * 4f, chunk.X[0, 0]);
        });
        Assert.Equal(Enumerable.Range(0, 10), seen);
    }

    [Theory]
    [InlineData(".csv")]
    [InlineData(".npy")]
    public void A_failure_keeps_the_rows_before_it_and_a_resume_gives_the_uninterrupted_files(string extension)
    {
        var (fullTheta, fullX) = Paths("full", extension);
        using (var files = SimulationFileWriter.Create(fullTheta, fullX, ThetaNames, DataNames))
            new SimulationRunner { ChunkSize = 8, MaxThreads = 2 }.RunToFiles(Prior, new NoisyScaleSimulator(), 100, 4, files);
        var expected = MatrixFile.Read(fullTheta).Values;
        int firstFailing = Enumerable.Range(0, 100).First(i => expected[i, 0] > 0.8f);

        var (thetaPath, xPath) = Paths("resumed", extension);
        var failing = new FailingSimulator(0.8f);
        using (var files = SimulationFileWriter.Create(thetaPath, xPath, ThetaNames, DataNames))
        {
            var e = Assert.Throws<SimulationFailedException>(() =>
                new SimulationRunner { ChunkSize = 8, MaxThreads = 2 }.RunToFiles(Prior, failing, 100, 4, files));
            Assert.Equal(firstFailing, e.Row);
            Assert.Contains($"row {firstFailing}", e.Message);
            Assert.Equal(expected.Row(firstFailing).ToArray(), e.Theta);
        }
        int kept = firstFailing / 8 * 8; // the whole chunks before the failing one
        Assert.Equal(kept, MatrixFile.Read(thetaPath).Rows);
        Assert.Equal(kept, MatrixFile.Read(xPath).Rows);

        failing.Armed = false;
        using (var files = SimulationFileWriter.Resume(thetaPath, xPath, ThetaNames, DataNames))
        {
            Assert.Equal(kept, files.Rows);
            var result = new SimulationRunner { ChunkSize = 8, MaxThreads = 3 }.RunToFiles(Prior, failing, 100, 4, files);
            Assert.Equal(new SimulationFileResult(100, kept, 0), result);
        }
        Assert.Equal(File.ReadAllBytes(fullTheta), File.ReadAllBytes(thetaPath));
        Assert.Equal(File.ReadAllBytes(fullX), File.ReadAllBytes(xPath));
    }

    [Fact]
    public void Resume_redoes_a_partly_written_chunk_and_drops_an_unpaired_theta_row()
    {
        var (fullTheta, fullX) = Paths("full", ".csv");
        using (var files = SimulationFileWriter.Create(fullTheta, fullX, ThetaNames, DataNames))
            new SimulationRunner { ChunkSize = 10 }.RunToFiles(Prior, new NoisyScaleSimulator(), 50, 2, files);

        // As a kill could leave them: θ one row ahead of x, x ending in a cut-off line inside chunk 2.
        var (thetaPath, xPath) = Paths("cut", ".csv");
        File.WriteAllLines(thetaPath, File.ReadAllLines(fullTheta).Take(1 + 27));
        File.WriteAllText(xPath, string.Join("\n", File.ReadAllLines(fullX).Take(1 + 26)) + "\n0.12");
        using (var files = SimulationFileWriter.Resume(thetaPath, xPath, ThetaNames, DataNames))
        {
            Assert.Equal(26, files.Rows);
            var result = new SimulationRunner { ChunkSize = 10 }.RunToFiles(Prior, new NoisyScaleSimulator(), 50, 2, files);
            Assert.Equal(20, result.ResumedRows);
        }
        Assert.Equal(File.ReadAllBytes(fullTheta), File.ReadAllBytes(thetaPath));
        Assert.Equal(File.ReadAllBytes(fullX), File.ReadAllBytes(xPath));
    }

    [Fact]
    public void Resuming_files_of_another_seed_is_an_error_naming_the_file_and_row()
    {
        var (thetaPath, xPath) = Paths("seed", ".npy");
        using (var files = SimulationFileWriter.Create(thetaPath, xPath, ThetaNames, DataNames))
            new SimulationRunner { ChunkSize = 8 }.RunToFiles(Prior, new NoisyScaleSimulator(), 20, 1, files);
        using var resumed = SimulationFileWriter.Resume(thetaPath, xPath, ThetaNames, DataNames);
        var e = Assert.Throws<InvalidDataException>(() =>
            new SimulationRunner { ChunkSize = 8 }.RunToFiles(Prior, new NoisyScaleSimulator(), 40, 2, resumed));
        Assert.Contains(thetaPath, e.Message);
        Assert.Contains("row 1", e.Message);
        Assert.Contains("another seed", e.Message);
    }

    [Fact]
    public void A_finished_run_resumes_to_nothing_and_asking_for_fewer_rows_is_an_error()
    {
        var (thetaPath, xPath) = Paths("done", ".npy");
        using (var files = SimulationFileWriter.Create(thetaPath, xPath, ThetaNames, DataNames))
            new SimulationRunner { ChunkSize = 8 }.RunToFiles(Prior, new NoisyScaleSimulator(), 20, 1, files);
        var before = File.ReadAllBytes(xPath);
        using (var files = SimulationFileWriter.Resume(thetaPath, xPath, ThetaNames, DataNames))
            Assert.Equal(new SimulationFileResult(20, 20, 0), new SimulationRunner { ChunkSize = 8 }.RunToFiles(Prior, new NoisyScaleSimulator(), 20, 1, files));
        Assert.Equal(before, File.ReadAllBytes(xPath));
        using (var files = SimulationFileWriter.Resume(thetaPath, xPath, ThetaNames, DataNames))
        {
            var e = Assert.Throws<ArgumentException>(() => new SimulationRunner { ChunkSize = 8 }.RunToFiles(Prior, new NoisyScaleSimulator(), 10, 1, files));
            Assert.Contains("20 simulations", e.Message);
        }
    }

    [Fact]
    public void Non_finite_rows_are_counted_in_the_files_too()
    {
        var (thetaPath, xPath) = Paths("nan", ".csv");
        SimulationFileResult result;
        using (var files = SimulationFileWriter.Create(thetaPath, xPath, ThetaNames, DataNames))
            result = new SimulationRunner { ChunkSize = 32 }.RunToFiles(Prior, new NoisyScaleSimulator(nanAbove: 0.5f), 400, 3, files);
        var set = new SimulationSet(MatrixFile.Read(thetaPath).Values, MatrixFile.Read(xPath).Values);
        Assert.Equal(set.DropNonFinite().Dropped, result.NonFiniteRows);
        Assert.InRange(result.NonFiniteRows, 50, 150);
        using var resumed = SimulationFileWriter.Resume(thetaPath, xPath, ThetaNames, DataNames);
        Assert.Equal(result.NonFiniteRows, new SimulationRunner { ChunkSize = 32 }.RunToFiles(Prior, new NoisyScaleSimulator(nanAbove: 0.5f), 400, 3, resumed).NonFiniteRows);
    }

    [Fact]
    public void Cancellation_keeps_the_finished_chunks_and_throws()
    {
        using var cancel = new CancellationTokenSource();
        var simulator = new PerSampleSimulator(2, 2, (theta, x, _) =>
        {
            x[0] = theta[0];
            x[1] = theta[1];
        });
        var (thetaPath, xPath) = Paths("cancel", ".npy");
        using (var files = SimulationFileWriter.Create(thetaPath, xPath, ThetaNames, DataNames))
        {
            var theta = Prior.Sample(100, new Rng(1));
            Assert.ThrowsAny<OperationCanceledException>(() => new SimulationRunner { ChunkSize = 10, MaxThreads = 1 }.SimulateChunks(simulator, theta, 1, chunk =>
            {
                files.Append(chunk.Theta, chunk.X);
                if (chunk.Index == 2) cancel.Cancel();
            }, cancellation: cancel.Token));
        }
        Assert.Equal(30, MatrixFile.Read(xPath).Rows);
    }

    [Fact]
    public void A_per_sample_function_that_throws_is_reported_with_its_row_and_theta()
    {
        var simulator = new PerSampleSimulator(1, 1, (theta, x, _) => x[0] = theta[0] == 13 ? throw new InvalidOperationException("bad value") : theta[0]);
        var theta = new float[30, 1];
        for (int i = 0; i < 30; i++) theta[i, 0] = i;
        var e = Assert.Throws<SimulationFailedException>(() => new SimulationRunner { ChunkSize = 4, MaxThreads = 2 }.Simulate(simulator, theta, 1));
        Assert.Equal(13, e.Row);
        Assert.Equal([13f], e.Theta);
        Assert.Contains("row 13", e.Message);
        Assert.Contains("θ = 13", e.Message);
        Assert.Contains("InvalidOperationException: bad value", e.Message);
    }

    private (string Theta, string X) Paths(string name, string extension) => (_temp.File($"{name}-theta{extension}"), _temp.File($"{name}-x{extension}"));
}
