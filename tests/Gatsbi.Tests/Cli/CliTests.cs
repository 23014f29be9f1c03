using Gatsbi.Storage;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Cli;

/// <summary>The <c>gatsbi</c> command end to end, in process: outputs, exit codes and error messages.</summary>
[Collection(TorchCollection.Name)]
public sealed class CliTests : TorchTest, IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static (int Code, string Out, string Error) Run(params string[] args) => CliHarness.Run(args);

    [Fact]
    public void Train_then_sample_writes_a_model_a_log_and_samples()
    {
        string dir = Path.Combine(_temp.Path, "run");
        var train = Run("train", "--task", "two_moons", "--simulations", "400", "--epochs", "20", "--seed", "3", "--out", dir);
        Assert.True(train.Code == 0, train.Error);
        foreach (var file in new[] { "posterior.gatsbi", "training_log.csv", "training.png" })
            Assert.True(File.Exists(Path.Combine(dir, file)), $"{file} missing; output: {train.Out}");

        string observation = Path.Combine(_temp.Path, "xo.csv");
        File.WriteAllText(observation, "data_1,data_2\n-0.68,0.02\n");
        string samples = Path.Combine(_temp.Path, "samples.csv");
        var sample = Run("sample", "--model", Path.Combine(dir, "posterior.gatsbi"), "--observation", observation, "--n", "250", "--out", samples);
        Assert.True(sample.Code == 0, sample.Error);
        var table = CsvMatrix.Read(samples);
        Assert.Equal(["parameter_1", "parameter_2"], table.ColumnNames);
        Assert.Equal(250, table.Rows);
    }

    /// <summary>NPE saves the same kind of model file as GATSBI, and gatsbi sample reads either.</summary>
    [Fact]
    public void Npe_trains_to_a_model_file_that_sample_reads()
    {
        string dir = Path.Combine(_temp.Path, "npe");
        var train = Run("train", "--method", "npe", "--task", "two_moons", "--simulations", "400", "--epochs", "30", "--out", dir);
        Assert.True(train.Code == 0, train.Error);
        Assert.Contains("Trained 30 epochs", train.Out);
        foreach (var file in new[] { "posterior.gatsbi", "training_log.csv", "training.png" })
            Assert.True(File.Exists(Path.Combine(dir, file)), $"{file} missing; output: {train.Out}");
        Assert.Equal(["epoch", "training_loss", "validation_log_prob", "seconds"], CsvMatrix.Read(Path.Combine(dir, "training_log.csv")).ColumnNames);

        string observation = Path.Combine(_temp.Path, "xo.csv");
        File.WriteAllText(observation, "data_1,data_2\n-0.68,0.02\n");
        string samples = Path.Combine(_temp.Path, "npe_samples.csv");
        var sample = Run("sample", "--model", Path.Combine(dir, "posterior.gatsbi"), "--observation", observation, "--n", "200", "--out", samples);
        Assert.True(sample.Code == 0, sample.Error);
        var table = CsvMatrix.Read(samples);
        Assert.Equal(200, table.Rows);
        for (int i = 0; i < table.Rows; i++)
            Assert.All(table.Values.Row(i).ToArray(), v => Assert.InRange(v, -1f, 1f)); // rejection to the prior box
    }

    [Theory]
    [InlineData("rej-abc")]
    [InlineData("smc-abc")]
    public void Abc_writes_samples_particles_and_a_pair_plot_for_one_observation(string method)
    {
        string dir = Path.Combine(_temp.Path, method);
        var run = Run("train", "--method", method, "--task", "two_moons", "--simulations", "1000", "--observation", "3", "--samples", "500", "--out", dir);
        Assert.True(run.Code == 0, run.Error);
        Assert.Contains("observation 3", run.Out);
        Assert.Equal(500, CsvMatrix.Read(Path.Combine(dir, "samples.csv")).Rows);
        var particles = CsvMatrix.Read(Path.Combine(dir, "particles.csv"));
        Assert.Equal(100, particles.Rows);
        Assert.Equal(["parameter_1", "parameter_2", "weight", "distance"], particles.ColumnNames);
        Assert.Equal(1.0, Enumerable.Range(0, 100).Sum(i => (double)particles.Values[i, 2]), 4);
        Assert.True(File.Exists(Path.Combine(dir, "pairplot.png")));
    }

    /// <summary>Tiny epochs: the plumbing of --sequential (files, observation from a file, the rounds' report), not accuracy.</summary>
    [Fact]
    public void Sequential_training_writes_a_model_samples_and_the_log_of_all_rounds()
    {
        string dir = Path.Combine(_temp.Path, "sequential");
        string observation = Path.Combine(_temp.Path, "xo_seq.csv");
        File.WriteAllText(observation, "data_1,data_2\n-0.68,0.02\n");
        var run = Run("train", "--sequential", "--task", "two_moons", "--simulations", "600", "--rounds", "3", "--epochs", "20", "--round-epochs", "10",
            "--correction", "ebm", "--observation", observation, "--samples", "300", "--out", dir);
        Assert.True(run.Code == 0, run.Error);
        Assert.Contains("150 + 225 + 225", run.Out);
        Assert.Contains("round 2: 225 simulations", run.Out);
        foreach (var file in new[] { "posterior.gatsbi", "training_log.csv", "training.png", "samples.csv", "pairplot.png" })
            Assert.True(File.Exists(Path.Combine(dir, file)), $"{file} missing; output: {run.Out}");
        Assert.Equal(300, CsvMatrix.Read(Path.Combine(dir, "samples.csv")).Rows);
        var log = CsvMatrix.Read(Path.Combine(dir, "training_log.csv"));
        Assert.Equal(40f, log.Values[log.Rows - 1, 0]); // 20 + 10 + 10 epochs on one axis
        var loaded = PosteriorFile.Load(Path.Combine(dir, "posterior.gatsbi"));
        using (loaded.Posterior) Assert.Equal("EnergyBased", loaded.Info.Training["correction"]);
    }

    [Theory]
    [InlineData("does not apply to --method npe", "--sequential", "--method", "npe", "--task", "two_moons")]
    [InlineData("--sequential needs --task", "--sequential", "--observation", "1")]
    [InlineData("unknown correction 'magic'", "--sequential", "--task", "two_moons", "--correction", "magic")]
    [InlineData("--rounds must be at least 2", "--sequential", "--task", "two_moons", "--rounds", "1")]
    [InlineData("--prior-mixture must be in [0, 1)", "--sequential", "--task", "two_moons", "--prior-mixture", "1.5")]
    [InlineData("too few for 2 rounds", "--sequential", "--task", "two_moons", "--simulations", "12")]
    public void Sequential_option_errors_say_what_is_wrong(string expected, params string[] options)
    {
        var result = Run(["train", .. options, "--out", Path.Combine(_temp.Path, "x")]);
        Assert.Equal(2, result.Code);
        Assert.Contains(expected, result.Error);
    }

    [Theory]
    [InlineData("SMC-ABC simulates as it goes", "--method", "smc-abc", "--theta", "t.csv", "--x", "x.csv")]
    [InlineData("apply to the ABC methods", "--method", "npe", "--task", "two_moons", "--observation", "2")]
    [InlineData("unknown method 'snpe'", "--method", "snpe", "--task", "two_moons")]
    [InlineData("--observation must be between 1 and 10", "--method", "rej-abc", "--task", "two_moons", "--observation", "11")]
    [InlineData("--unrolled-steps must be at least 0", "--task", "two_moons", "--unrolled-steps", "-1")]
    public void Method_option_errors_say_what_is_wrong(string expected, params string[] options)
    {
        var result = Run(["train", .. options, "--out", Path.Combine(_temp.Path, "x")]);
        Assert.Equal(2, result.Code);
        Assert.Contains(expected, result.Error);
    }

    [Fact]
    public void A_missing_model_file_is_an_input_error_naming_the_file()
    {
        string missing = Path.Combine(_temp.Path, "nope.gatsbi");
        string observation = Path.Combine(_temp.Path, "xo.csv");
        File.WriteAllText(observation, "data_1,data_2\n0,0\n");
        var result = Run("sample", "--model", missing, "--observation", observation, "--out", Path.Combine(_temp.Path, "s.csv"));
        Assert.Equal(2, result.Code);
        Assert.Contains(missing, result.Error);
        Assert.StartsWith("error:", result.Error.Trim());
    }

    [Fact]
    public void C2st_of_files_with_different_columns_names_both_files()
    {
        string a = Path.Combine(_temp.Path, "a.csv"), b = Path.Combine(_temp.Path, "b.csv");
        File.WriteAllText(a, "p1,p2\n1,2\n3,4\n");
        File.WriteAllText(b, "p1\n1\n2\n");
        var result = Run("c2st", a, b);
        Assert.Equal(2, result.Code);
        Assert.Contains(a, result.Error);
        Assert.Contains(b, result.Error);
    }

    [Fact]
    public void A_bad_number_in_user_data_names_file_line_and_column()
    {
        string theta = Path.Combine(_temp.Path, "theta.csv"), x = Path.Combine(_temp.Path, "x.csv");
        File.WriteAllText(theta, "a,b\n0.1,0.2\n0.3,oops\n");
        File.WriteAllText(x, "x1\n1\n2\n");
        var result = Run("train", "--theta", theta, "--x", x, "--out", Path.Combine(_temp.Path, "out"));
        Assert.Equal(2, result.Code);
        Assert.Contains(theta, result.Error);
        Assert.Contains("line 3", result.Error);
        Assert.Contains("column 2", result.Error);
    }

    [Fact]
    public void Mismatched_user_data_row_counts_are_reported()
    {
        string theta = Path.Combine(_temp.Path, "theta.csv"), x = Path.Combine(_temp.Path, "x.csv");
        File.WriteAllText(theta, "a\n1\n2\n3\n");
        File.WriteAllText(x, "x1\n1\n2\n");
        var result = Run("train", "--theta", theta, "--x", x, "--out", Path.Combine(_temp.Path, "out"));
        Assert.Equal(2, result.Code);
        Assert.Contains("3 rows", result.Error);
        Assert.Contains("2", result.Error);
    }

    [Fact]
    public void Train_from_user_files_needs_no_prior_bounds()
    {
        string theta = Path.Combine(_temp.Path, "theta.npy"), x = Path.Combine(_temp.Path, "x.csv");
        var values = new float[150, 1];
        for (int i = 0; i < 150; i++) values[i, 0] = i / 150f;
        NpyFile.Write(theta, values);
        CsvMatrix.Write(x, values, "data");
        var result = Run("train", "--theta", theta, "--x", x, "--epochs", "2", "--out", Path.Combine(_temp.Path, "out"));
        Assert.True(result.Code == 0, result.Error);
    }

    [Fact]
    public void An_unknown_preset_lists_the_known_ones()
    {
        var result = Run("train", "--task", "two_moons", "--preset", "turbo", "--out", Path.Combine(_temp.Path, "out"));
        Assert.Equal(2, result.Code);
        Assert.Contains("turbo", result.Error);
        Assert.Contains("fast", result.Error);
        Assert.Contains("paper", result.Error);
    }

    [Fact]
    public void Tasks_lists_every_task_with_dimensions_prior_and_reference_origin()
    {
        var result = Run("tasks");
        Assert.True(result.Code == 0, result.Error);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var name in Gatsbi.Benchmarks.TaskRegistry.Names)
            Assert.Contains(lines, l => l.StartsWith(name + " ", StringComparison.Ordinal));
        var slcp = lines.Single(l => l.StartsWith("slcp ", StringComparison.Ordinal));
        Assert.Matches(@"^slcp\s+5\s+8\s+U\(\[-3, 3\]\^5\)\s+1k 10k 100k 1M\s+bundled$", slcp);
        Assert.EndsWith("closed form", lines.Single(l => l.StartsWith("gaussian_mixture ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Tasks_reports_references_found_in_a_folder()
    {
        for (int k = 1; k <= 3; k++)
        {
            var dir = Path.Combine(_temp.Path, "refs", "gaussian_mixture", $"num_observation_{k}");
            Directory.CreateDirectory(dir);
            CsvMatrix.Write(Path.Combine(dir, "reference_posterior_samples.csv"), new float[,] { { 0, 0 } }, "parameter");
        }
        var result = Run("tasks", "--references", Path.Combine(_temp.Path, "refs"));
        Assert.True(result.Code == 0, result.Error);
        Assert.EndsWith("from folder 3/10, closed form 7/10", result.Out.Split('\n').Single(l => l.StartsWith("gaussian_mixture ", StringComparison.Ordinal)).TrimEnd());
    }

    [Fact]
    public void C2st_against_a_task_reference_scores_exact_posterior_samples_near_one_half()
    {
        var task = new Gatsbi.Benchmarks.Tasks.TwoMoons();
        string samples = Path.Combine(_temp.Path, "samples.csv");
        CsvMatrix.Write(samples, task.SamplePosterior(task.Observation(2), 10_000, new Gatsbi.Randomness.Rng(4)), "parameter");
        var result = Run("c2st", "--task", "two_moons", "--observation", "2", samples);
        Assert.True(result.Code == 0, result.Error);
        double c2st = double.Parse(result.Out.Split('=')[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        // 10,000 + 10,000 exact samples: SE of the mean accuracy ≈ √(0.25/20,000) ≈ 0.0035; 0.52 is
        // 5 SE above 0.5 (exact samples score at most about 0.52 against sbibm's references; docs/tasks.md). Samples for
        // another observation are separable.
        Assert.InRange(c2st, 0.45, 0.52);

        var tooMany = Run("c2st", "--task", "two_moons", samples, samples);
        Assert.Equal(2, tooMany.Code);
        Assert.Contains("only the samples file", tooMany.Error);
    }

    [Fact]
    public void Demo_on_sir_scores_against_the_bundled_generated_references()
    {
        string dir = Path.Combine(_temp.Path, "sir");
        var result = Run("demo", "--task", "sir", "--simulations", "300", "--epochs", "3", "--out", dir);
        Assert.True(result.Code == 0, result.Error);
        Assert.Equal(10_000, CsvMatrix.Read(Path.Combine(dir, "samples.csv")).Rows);
        Assert.Contains("C2ST = ", result.Out);
    }
}
