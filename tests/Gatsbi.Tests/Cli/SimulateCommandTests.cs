using System.Globalization;
using Gatsbi.Benchmarks.Tasks;
using Gatsbi.Distributions;
using Gatsbi.Randomness;
using Gatsbi.Simulation;
using Gatsbi.Storage;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Cli;

/// <summary><c>gatsbi simulate</c> in process, and its files used by <c>train</c> and <c>sample</c>.</summary>
[Collection(TorchCollection.Name)]
public sealed class SimulateCommandTests : TorchTest, IDisposable
{
    /// <summary>The repository's example simulator (copied beside the tests by the project file).</summary>
    private static readonly string ExampleSimulator = Path.Combine(AppContext.BaseDirectory, "Examples", "external-simulator", "simulator.py");

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Simulating_a_task_gives_the_simulations_train_would_draw()
    {
        string theta = _temp.File("theta.npy"), x = _temp.File("x.npy");
        var result = CliHarness.Run("simulate", "--task", "two_moons", "--count", "300", "--seed", "3", "--theta-out", theta, "--x-out", x);
        Assert.True(result.Code == 0, result.Error);
        Assert.Contains("Wrote 300 simulations", result.Out);

        var task = new TwoMoons();
        var expected = new SimulationRunner().Run(task.Prior, task.Simulator, 300, seed: 3);
        Assert.Equal(expected.Theta, NpyFile.Read(theta));
        Assert.Equal(expected.X, NpyFile.Read(x));
    }

    [Fact]
    public void The_example_simulator_runs_end_to_end_through_simulate_train_and_sample()
    {
        string theta = _temp.File("theta.npy"), x = _temp.File("x.npy");
        var simulate = CliHarness.Run("simulate", "--command", $"python3 '{ExampleSimulator}'", "--protocol", "line", "--parameters", "2", "--data", "2",
            "--prior-low", "-1", "-1", "--prior-high", "1", "1", "--count", "400", "--workers", "2", "--theta-out", theta, "--x-out", x);
        Assert.True(simulate.Code == 0, simulate.Error);
        var data = NpyFile.Read(x);
        Assert.Equal(400, data.GetLength(0));
        // two_moons: x₂ − (θ₂ − θ₁)/√2 is r·sin(a) with r ≈ 0.1.
        var parameters = NpyFile.Read(theta);
        for (int i = 0; i < 400; i++)
            Assert.InRange(data[i, 1] - (parameters[i, 1] - parameters[i, 0]) / Math.Sqrt(2), -0.15, 0.15);

        string model = _temp.File("model");
        var train = CliHarness.Run("train", "--theta", theta, "--x", x, "--prior-low", "-1", "-1", "--prior-high", "1", "1", "--epochs", "20", "--out", model);
        Assert.True(train.Code == 0, train.Error);

        string observation = _temp.File("xo.npy"), samples = _temp.File("samples.npy");
        NpyFile.Write(observation, new float[,] { { -0.64f, 0.16f } });
        var sample = CliHarness.Run("sample", "--model", Path.Combine(model, "posterior.gatsbi"), "--observation", observation, "--n", "100", "--out", samples);
        Assert.True(sample.Code == 0, sample.Error);
        Assert.Equal(100, NpyFile.Read(samples).GetLength(0));
    }

    [Fact]
    public void A_crash_exits_1_naming_the_row_and_a_resume_finishes_the_files_of_an_uninterrupted_run()
    {
        // The worker fails on the first θ₁ above the largest of rows 0-49, so that whole chunks finish before it.
        var prior = new BoxUniform(2, -1f, 1f).Sample(200, new Rng(Seeds.Derive(4, Seeds.Streams.Prior)));
        double threshold = Enumerable.Range(0, 50).Max(i => (double)prior[i, 0]);
        int failing = Enumerable.Range(0, 200).First(i => prior[i, 0] > threshold);
        string script = _temp.File("crash.py"), armed = _temp.File("armed");
        File.WriteAllText(script, """
            import os, sys
            for line in sys.stdin:
                seed, a, b = line.split()
                if float(a) > float(sys.argv[2]) and os.path.exists(sys.argv[1]):
                    print("ValueError: a is too large", file=sys.stderr)
                    sys.exit(4)
                print(a, float(b) * int(seed) % 7, flush=True)
            """);
        File.WriteAllText(armed, "");
        string theta = _temp.File("theta.csv"), x = _temp.File("x.csv");
        string[] run = ["simulate", "--command", $"python3 '{script}' '{armed}' {threshold.ToString("R", CultureInfo.InvariantCulture)}", "--data", "2", "--prior-low", "-1", "-1", "--prior-high", "1", "1",
            "--count", "200", "--seed", "4", "--workers", "2", "--theta-out", theta, "--x-out", x];

        var crashed = CliHarness.Run(run);
        Assert.Equal(1, crashed.Code);
        Assert.Contains("error: External simulator", crashed.Error);
        Assert.Contains($"row {failing} (θ = {SimulationFailedException.FormatTheta(prior.Row(failing))})", crashed.Error);
        Assert.Contains("exited (code 4)", crashed.Error);
        Assert.Contains("ValueError: a is too large", crashed.Error);
        Assert.Contains("--resume", crashed.Error);
        int kept = MatrixFile.Read(x).Rows;
        Assert.Equal(failing / 32 * 32, kept);
        Assert.Equal(kept, MatrixFile.Read(theta).Rows);

        File.Delete(armed);
        var again = CliHarness.Run(run);
        Assert.Equal(2, again.Code);
        Assert.Contains("already exists", again.Error);
        var resumed = CliHarness.Run([.. run, "--resume"]);
        Assert.True(resumed.Code == 0, resumed.Error);
        Assert.Contains($"hold {kept} finished simulations", resumed.Out);

        string fullTheta = _temp.File("full-theta.csv"), fullX = _temp.File("full-x.csv");
        var full = CliHarness.Run([.. run[..^4], "--theta-out", fullTheta, "--x-out", fullX]);
        Assert.True(full.Code == 0, full.Error);
        Assert.Equal(File.ReadAllBytes(fullTheta), File.ReadAllBytes(theta));
        Assert.Equal(File.ReadAllBytes(fullX), File.ReadAllBytes(x));
    }

    [Fact]
    public void Theta_rows_from_a_file_are_simulated_in_order_with_their_names()
    {
        string script = _temp.File("echo.sh"), input = _temp.File("in.csv");
        File.WriteAllText(script, "while read -r seed a b; do echo \"$b $a\"; done\n");
        File.WriteAllText(input, "alpha,beta\n0.5,1\n-2,0.25\n3,4\n7,8\n");
        string theta = _temp.File("theta.csv"), x = _temp.File("x.npy");
        var result = CliHarness.Run("simulate", "--command", $"bash '{script}'", "--data", "2", "--theta-in", input, "--count", "3", "--theta-out", theta, "--x-out", x);
        Assert.True(result.Code == 0, result.Error);
        var written = CsvMatrix.Read(theta);
        Assert.Equal(["alpha", "beta"], written.ColumnNames);
        Assert.Equal(new float[,] { { 0.5f, 1f }, { -2f, 0.25f }, { 3f, 4f } }, written.Values);
        Assert.Equal(new float[,] { { 1f, 0.5f }, { 0.25f, -2f }, { 4f, 3f } }, NpyFile.Read(x));
    }

    [Theory]
    [InlineData("not both and not neither", "--task", "two_moons", "--command", "python3 x.py")]
    [InlineData("not both and not neither")]
    [InlineData("--data is required", "--command", "python3 x.py", "--prior-low", "0", "--prior-high", "1", "--count", "5")]
    [InlineData("needs θ", "--command", "python3 x.py", "--data", "1", "--count", "5")]
    [InlineData("--count is required", "--command", "python3 x.py", "--data", "1", "--prior-low", "0", "--prior-high", "1")]
    [InlineData("brings its own prior", "--task", "two_moons", "--prior-low", "0", "0", "--prior-high", "1", "1", "--count", "5")]
    [InlineData("--data applies to external simulators", "--task", "two_moons", "--data", "3", "--count", "5")]
    [InlineData("Unknown --protocol 'morse'", "--command", "python3 x.py", "--protocol", "morse", "--data", "1", "--prior-low", "0", "--prior-high", "1", "--count", "5")]
    [InlineData("need 3 values each", "--command", "python3 x.py", "--parameters", "3", "--data", "1", "--prior-low", "0", "--prior-high", "1", "--count", "5")]
    [InlineData("--timeout must be positive", "--command", "python3 x.py", "--data", "1", "--prior-low", "0", "--prior-high", "1", "--count", "5", "--timeout", "0")]
    [InlineData("give one", "--task", "two_moons", "--count", "5", "--resume", "--overwrite")]
    [InlineData("Cannot start the external simulator", "--command", "/no/such/simulator", "--data", "1", "--prior-low", "0", "--prior-high", "1", "--count", "5")]
    public void Option_errors_say_what_is_wrong(string expected, params string[] options)
    {
        var result = CliHarness.Run(["simulate", .. options, "--theta-out", _temp.File("t.csv"), "--x-out", _temp.File("x.csv")]);
        Assert.Equal(2, result.Code);
        Assert.StartsWith("error:", result.Error.Trim());
        Assert.Contains(expected, result.Error);
    }
}
