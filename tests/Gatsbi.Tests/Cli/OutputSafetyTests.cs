using Gatsbi.Cli;
using Gatsbi.Storage;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Cli;

/// <summary>
/// The rules every command follows for its outputs and failures: finished work is never replaced without
/// --overwrite, nor by a training stopped with Ctrl+C; two runs never write the same outputs at once; the output
/// location is checked before any work; every failure is one "error:" line with the documented exit code.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class OutputSafetyTests : TorchTest, IDisposable
{
    private const string Finished = "finished work";

    private static readonly string[] QuickTraining = ["--task", "two_moons", "--simulations", "300", "--epochs", "3"];

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>The only line of a refused or failed command's error output: it starts with "error:", with no help text, progress or stack trace around it.</summary>
    private static string SingleErrorLine((int Code, string Out, string Error) result)
    {
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, result.Error);
        Assert.StartsWith("error:", lines[0]);
        return lines[0];
    }

    private static string[] Entries(string folder) => Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    /// <summary>A small model file to sample from.</summary>
    private string TrainedModel()
    {
        string dir = _temp.File("model");
        var train = CliHarness.Run(["train", .. QuickTraining, "--out", dir]);
        Assert.True(train.Code == 0, train.Error);
        return Path.Combine(dir, "posterior.gatsbi");
    }

    [Theory]
    [InlineData("--simulations: 'abc' is not a whole number", "train", "--task", "two_moons", "--simulations", "abc", "--out", "o")]
    [InlineData("--seed: '-1' is not a whole number ≥ 0", "sample", "--model", "m", "--observation", "o", "--seed", "-1", "--out", "s.csv")]
    [InlineData("--prior-low: 'a' is not a number", "simulate", "--task", "two_moons", "--prior-low", "a", "--theta-out", "t.csv", "--x-out", "x.csv")]
    [InlineData("--epochs: '1.5' is not a whole number", "bench", "--epochs", "1.5", "--out", "b")]
    [InlineData("'--bogus'", "train", "--task", "two_moons", "--bogus", "--out", "o")]
    [InlineData("'--out' is required", "diagnose", "--model", "m", "--task", "two_moons")]
    [InlineData("'frobnicate'", "frobnicate")]
    public void Parse_errors_are_one_error_line_naming_the_option_and_exit_2(string expected, params string[] args)
    {
        var result = CliHarness.Run(args);
        Assert.Equal(2, result.Code);
        Assert.Contains(expected, SingleErrorLine(result));
        Assert.DoesNotContain("Usage:", result.Out);
    }

    [Fact]
    public void Help_for_a_command_without_its_required_options_is_still_help()
    {
        var result = CliHarness.Run("train", "--help");
        Assert.Equal(0, result.Code);
        Assert.Contains("--overwrite", result.Out);
    }

    [Theory]
    [InlineData("posterior.gatsbi", "train")]
    [InlineData("posterior.partial.gatsbi", "train")]
    [InlineData("training_log.csv", "train", "--method", "npe")]
    [InlineData("particles.csv", "train", "--method", "rej-abc")]
    [InlineData("pairplot.png", "demo")]
    public void An_existing_output_is_refused_before_any_work_and_kept(string existing, params string[] command)
    {
        string dir = _temp.File("out");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, existing), Finished);
        string[] budget = command[0] == "demo" ? ["--simulations", "300", "--epochs", "3"] : QuickTraining;
        var result = CliHarness.Run([.. command, .. budget, "--out", dir]);
        Assert.Equal(2, result.Code);
        string line = SingleErrorLine(result); // nothing else: no simulation or training ran first
        Assert.Contains($"{Path.Combine(dir, existing)} already exists", line);
        Assert.Contains("--overwrite", line);
        Assert.Equal(Finished, File.ReadAllText(Path.Combine(dir, existing)));
        Assert.Equal([existing], Entries(dir)); // and the lock is gone
    }

    [Fact]
    public void Train_with_overwrite_replaces_a_finished_model()
    {
        string dir = _temp.File("out");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "posterior.gatsbi"), Finished);
        var result = CliHarness.Run(["train", .. QuickTraining, "--overwrite", "--out", dir]);
        Assert.True(result.Code == 0, result.Error);
        using (PosteriorFile.Load(Path.Combine(dir, "posterior.gatsbi")).Posterior) { }
    }

    [Fact]
    public void Sample_refuses_an_existing_samples_file_or_plot_and_overwrite_replaces_them()
    {
        string model = TrainedModel(), observation = _temp.File("xo.csv"), samples = _temp.File("samples.csv"), plot = _temp.File("plot.png");
        File.WriteAllText(observation, "data_1,data_2\n-0.68,0.02\n");
        string[] sample = ["sample", "--model", model, "--observation", observation, "--n", "50", "--out", samples, "--plot", plot];
        foreach (var existing in new[] { samples, plot })
        {
            File.WriteAllText(existing, Finished);
            var refused = CliHarness.Run(sample);
            Assert.Equal(2, refused.Code);
            Assert.Contains($"{existing} already exists", SingleErrorLine(refused));
            Assert.Equal(Finished, File.ReadAllText(existing));
            File.Delete(existing);
        }
        File.WriteAllText(samples, Finished);
        var replaced = CliHarness.Run([.. sample, "--overwrite"]);
        Assert.True(replaced.Code == 0, replaced.Error);
        Assert.Equal(50, CsvMatrix.Read(samples).Rows);
        Assert.False(File.Exists(samples + ".lock"));
    }

    /// <summary>A token cancelled from the start stops training after its first epoch, as Ctrl+C during the first epoch would.</summary>
    [Theory]
    [InlineData("gatsbi")]
    [InlineData("npe")]
    public void Training_stopped_by_ctrl_c_keeps_a_partial_model_beside_the_finished_one_and_exits_130(string method)
    {
        string dir = _temp.File("out");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "posterior.gatsbi"), Finished);
        var result = CliHarness.Run(new CancellationToken(canceled: true), ["train", "--method", method, .. QuickTraining, "--overwrite", "--out", dir]);
        Assert.Equal(130, result.Code);
        string partial = Path.Combine(dir, "posterior.partial.gatsbi");
        Assert.Contains($"partly trained model is saved as {partial}", result.Error);
        Assert.Equal(Finished, File.ReadAllText(Path.Combine(dir, "posterior.gatsbi")));
        var loaded = PosteriorFile.Load(partial);
        using (loaded.Posterior) Assert.Equal("Cancelled", loaded.Info.Training["stop_reason"]);
        Assert.DoesNotContain(OutputClaim.LockFileName, Entries(dir));
    }

    [Fact]
    public void A_folder_another_run_holds_is_refused_naming_its_process_until_it_is_released()
    {
        string dir = _temp.File("busy");
        Directory.CreateDirectory(dir);
        using (OutputClaim.ForFolder("--out", dir, overwrite: false, []))
        {
            foreach (string[] command in new[] { ["train", .. QuickTraining], ["bench", "--budgets", "300", "--observations", "1"], new[] { "references", "--task", "two_moons" } })
            {
                var result = CliHarness.Run([.. command, "--out", dir]);
                Assert.Equal(2, result.Code);
                string line = SingleErrorLine(result);
                Assert.Contains($"pid {Environment.ProcessId}", line);
                Assert.Contains(Path.Combine(dir, OutputClaim.LockFileName), line);
            }
        }
        Assert.Empty(Entries(dir));
    }

    [Fact]
    public void Simulate_refuses_files_another_run_is_writing()
    {
        string theta = _temp.File("theta.csv"), x = _temp.File("x.csv"), otherTheta = _temp.File("other.csv");
        using (OutputClaim.ForFiles([("--theta-out", theta), ("--x-out", x)], overwrite: false))
        {
            // The same two files, and a run that shares only the x file.
            foreach (var thetaOut in new[] { theta, otherTheta })
            {
                var result = CliHarness.Run("simulate", "--task", "two_moons", "--count", "10", "--overwrite", "--theta-out", thetaOut, "--x-out", x);
                Assert.Equal(2, result.Code);
                Assert.Contains($"pid {Environment.ProcessId}", SingleErrorLine(result));
            }
            Assert.Equal(["theta.csv.lock", "x.csv.lock"], Entries(_temp.Path));
        }
        var released = CliHarness.Run("simulate", "--task", "two_moons", "--count", "10", "--theta-out", theta, "--x-out", x);
        Assert.True(released.Code == 0, released.Error);
        Assert.Equal(["theta.csv", "x.csv"], Entries(_temp.Path));
    }

    /// <summary>The lock names a process that is gone: an id no process has, or one whose process started at another time (the id was reused).</summary>
    [Fact]
    public void A_lock_left_by_a_process_that_no_longer_exists_is_taken_over()
    {
        string theta = _temp.File("theta.csv"), x = _temp.File("x.csv");
        File.WriteAllText(theta + ".lock", $"pid={Environment.ProcessId}\nhost={Environment.MachineName}\nstarted=2000-01-01T00:00:00.0000000Z\n");
        var result = CliHarness.Run("simulate", "--task", "two_moons", "--count", "10", "--theta-out", theta, "--x-out", x);
        Assert.True(result.Code == 0, result.Error);
        Assert.Contains($"warning: taking over {theta}.lock: the run that held it (pid {Environment.ProcessId}) no longer exists", result.Error);
        Assert.Equal(["theta.csv", "x.csv"], Entries(_temp.Path));
    }

    [Theory]
    [InlineData("pid=4242\nhost=another-machine\n", "pid 4242 on another-machine")]
    [InlineData("", "does not say which run holds it")]
    public void A_lock_that_cannot_be_judged_stale_is_refused(string content, string expected)
    {
        string dir = _temp.File("out");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, OutputClaim.LockFileName), content);
        var result = CliHarness.Run(["train", .. QuickTraining, "--out", dir]);
        Assert.Equal(2, result.Code);
        Assert.Contains(expected, SingleErrorLine(result));
        Assert.Equal(content, File.ReadAllText(Path.Combine(dir, OutputClaim.LockFileName)));
    }

    [Fact]
    public void An_out_folder_that_is_a_file_or_lies_under_one_is_refused_before_any_work()
    {
        string file = _temp.File("plain");
        File.WriteAllText(file, Finished);
        foreach (var dir in new[] { file, Path.Combine(file, "sub") })
        {
            var result = CliHarness.Run(["train", .. QuickTraining, "--out", dir]);
            Assert.Equal(2, result.Code);
            Assert.Contains($"{file} is a file, not a folder", SingleErrorLine(result));
        }
        Assert.Equal(Finished, File.ReadAllText(file));
    }

    /// <summary>sysfs takes no new files from anyone, root included, so this holds whoever runs the tests.</summary>
    [Theory]
    [InlineData("/sys", "cannot write in /sys")]
    [InlineData("/sys/gatsbi-test-output", "cannot create the folder /sys/gatsbi-test-output")]
    public void An_out_folder_that_takes_no_files_is_refused_before_any_work(string dir, string expected)
    {
        var result = CliHarness.Run(["train", .. QuickTraining, "--out", dir]);
        Assert.Equal(2, result.Code);
        Assert.Contains(expected, SingleErrorLine(result));
    }

    [Fact]
    public void Output_files_must_be_files_of_their_own_and_missing_folders_are_created()
    {
        string folder = _temp.File("folder");
        Directory.CreateDirectory(folder);
        var isFolder = CliHarness.Run("simulate", "--task", "two_moons", "--count", "10", "--theta-out", folder, "--x-out", _temp.File("x.csv"));
        Assert.Equal(2, isFolder.Code);
        Assert.Contains($"--theta-out {folder} is a folder", SingleErrorLine(isFolder));
        var same = CliHarness.Run("simulate", "--task", "two_moons", "--count", "10", "--theta-out", _temp.File("a.csv"), "--x-out", _temp.File("a.csv"));
        Assert.Equal(2, same.Code);
        Assert.Contains("--theta-out and --x-out name the same file", SingleErrorLine(same));

        string nested = Path.Combine(_temp.Path, "new", "deeper");
        var created = CliHarness.Run("simulate", "--task", "two_moons", "--count", "10", "--theta-out", Path.Combine(nested, "t.csv"), "--x-out", Path.Combine(nested, "x.csv"));
        Assert.True(created.Code == 0, created.Error);
        Assert.Equal(["t.csv", "x.csv"], Entries(nested));
    }

    [Fact]
    public void An_input_error_found_after_the_claim_leaves_no_folder_or_lock_behind()
    {
        string dir = Path.Combine(_temp.Path, "never", "made");
        var result = CliHarness.Run("train", "--theta", _temp.File("missing.csv"), "--x", _temp.File("missing-x.csv"), "--out", dir);
        Assert.Equal(2, result.Code);
        Assert.Contains("missing.csv", SingleErrorLine(result));
        Assert.Empty(Entries(_temp.Path));
    }

    [Fact]
    public void A_file_written_but_not_claimed_fails_loudly()
    {
        using var claim = OutputClaim.ForFolder("--out", _temp.File("out"), overwrite: false, ["a.csv"]);
        Assert.Equal(Path.Combine(_temp.File("out"), "a.csv"), claim.File("a.csv"));
        Assert.Throws<InvalidOperationException>(() => claim.File("b.csv"));
    }

    /// <summary>A write failing mid-run (a full disk) and a failure nobody anticipated: one line each, exit code 1.</summary>
    [Theory]
    [InlineData(typeof(IOException), "error: No space left on device : '/out/training.png'; outputs written before it are kept.")]
    [InlineData(typeof(InvalidOperationException), "error: No space left on device : '/out/training.png' (InvalidOperationException)")]
    public void A_failure_during_the_work_is_one_error_line_and_exits_1(Type exception, string expected)
    {
        var oldError = Console.Error;
        using var error = new StringWriter();
        Console.SetError(error);
        int code;
        try
        {
            code = CommandRunner.Run(CancellationToken.None, _ => throw (Exception)Activator.CreateInstance(exception, "No space left on device : '/out/training.png'")!);
        }
        finally
        {
            Console.SetError(oldError);
        }
        Assert.Equal(1, code);
        Assert.Equal(expected, SingleErrorLine((code, "", error.ToString())));
    }
}
