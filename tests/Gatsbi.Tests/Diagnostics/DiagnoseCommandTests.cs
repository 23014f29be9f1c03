using Gatsbi.Tests.Cli;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Diagnostics;

[Collection(TorchCollection.Name)]
public sealed class DiagnoseCommandTests : TorchTest, IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Diagnose_a_tiny_two_moons_model_writes_every_output()
    {
        string model = Path.Combine(_temp.Path, "model");
        var train = CliHarness.Run("train", "--task", "two_moons", "--simulations", "400", "--epochs", "20", "--seed", "3", "--out", model);
        Assert.True(train.Code == 0, train.Error);

        string dir = Path.Combine(_temp.Path, "diagnostics");
        var result = CliHarness.Run("diagnose", "--model", Path.Combine(model, "posterior.gatsbi"), "--task", "two_moons",
            "--sbc-draws", "60", "--posterior-samples", "20", "--ppc-samples", "100", "--observation", "2", "--out", dir);
        Assert.True(result.Code == 0, result.Error + result.Out);
        foreach (var file in new[] { "sbc_ranks.csv", "coverage.csv", "ppc_predictive.csv", "summary.md", "sbc_rank_histograms.png", "sbc_ecdf_difference.png", "coverage.png", "ppc.png" })
            Assert.True(File.Exists(Path.Combine(dir, file)), $"{file} missing; output: {result.Out}");

        var ranks = File.ReadAllLines(Path.Combine(dir, "sbc_ranks.csv"));
        Assert.Equal("parameter_1,parameter_2,joint", ranks[0]);
        Assert.Equal(61, ranks.Length);
        Assert.All(ranks.Skip(1).SelectMany(line => line.Split(',')).Select(double.Parse), r => Assert.InRange(r, 0, 20));
        string summary = File.ReadAllText(Path.Combine(dir, "summary.md"));
        Assert.Contains("| parameter_1 |", summary);
        Assert.Contains("observation 2", summary);
    }

    [Fact]
    public void Diagnose_without_a_task_says_what_is_needed()
    {
        var result = CliHarness.Run("diagnose", "--model", Path.Combine(_temp.Path, "none.gatsbi"), "--out", _temp.Path);
        Assert.Equal(2, result.Code);
        Assert.Contains("--task", result.Error);
        Assert.Contains("--command", result.Error);
    }

    /// <summary>A model trained on user data is diagnosed with its external simulator and the support saved in the model as prior.</summary>
    [Fact]
    public void Diagnose_a_model_of_user_data_with_its_external_simulator()
    {
        string simulator = Path.Combine(AppContext.BaseDirectory, "Examples", "external-simulator", "simulator.py");
        string theta = Path.Combine(_temp.Path, "theta.npy"), x = Path.Combine(_temp.Path, "x.npy"), model = Path.Combine(_temp.Path, "model");
        var simulate = CliHarness.Run("simulate", "--command", $"python3 '{simulator}'", "--parameters", "2", "--data", "2",
            "--prior-low", "-1", "-1", "--prior-high", "1", "1", "--count", "400", "--theta-out", theta, "--x-out", x);
        Assert.True(simulate.Code == 0, simulate.Error);
        var train = CliHarness.Run("train", "--theta", theta, "--x", x, "--prior-low", "-1", "-1", "--prior-high", "1", "1", "--epochs", "20", "--out", model);
        Assert.True(train.Code == 0, train.Error);
        string xo = Path.Combine(_temp.Path, "xo.csv");
        File.WriteAllText(xo, "data_1,data_2\n-0.64,0.16\n");

        string dir = Path.Combine(_temp.Path, "diagnostics");
        var result = CliHarness.Run("diagnose", "--model", Path.Combine(model, "posterior.gatsbi"), "--command", $"python3 '{simulator}'",
            "--observation-file", xo, "--sbc-draws", "40", "--posterior-samples", "10", "--ppc-samples", "50", "--out", dir);
        Assert.True(result.Code == 0, result.Error + result.Out);
        Assert.Contains("external simulator", result.Out);
        var ranks = File.ReadAllLines(Path.Combine(dir, "sbc_ranks.csv"));
        Assert.Equal(41, ranks.Length);
        Assert.True(File.Exists(Path.Combine(dir, "ppc.png")));

        var noObservation = CliHarness.Run("diagnose", "--model", Path.Combine(model, "posterior.gatsbi"), "--command", $"python3 '{simulator}'", "--out", dir);
        Assert.Equal(2, noObservation.Code);
        Assert.Contains("--observation-file", noObservation.Error);
    }

    [Fact]
    public void Diagnose_rejects_both_observation_options()
    {
        var result = CliHarness.Run("diagnose", "--model", Path.Combine(_temp.Path, "none.gatsbi"), "--task", "two_moons",
            "--observation", "1", "--observation-file", "xo.csv", "--out", _temp.Path);
        Assert.Equal(2, result.Code);
        Assert.Contains("not both", result.Error);
    }
}
