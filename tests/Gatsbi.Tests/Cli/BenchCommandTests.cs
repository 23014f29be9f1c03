using Gatsbi.Benchmarks.Running;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Cli;

[Collection(TorchCollection.Name)]
public sealed class BenchCommandTests : TorchTest, IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Bench_writes_results_summary_and_plots_and_resumes()
    {
        string dir = Path.Combine(_temp.Path, "bench");
        string[] args = ["bench", "--tasks", "two_moons", "--budgets", "300", "--observations", "1-2", "--epochs", "10",
            "--posterior-samples", "300", "--out", dir];
        var first = CliHarness.Run(args);
        Assert.True(first.Code == 0, first.Error);
        var rows = new ResultsFile(Path.Combine(dir, "results.csv")).Read();
        Assert.Equal([1, 2], rows.Select(r => r.Key.Observation).Order());
        Assert.All(rows, r => Assert.True(r.Succeeded, r.Status));
        Assert.Contains("## two_moons", File.ReadAllText(Path.Combine(dir, "summary.md")));
        foreach (var png in new[] { "c2st_two_moons.png", "two_moons_gatsbi-fast_300_seed1/training.png", "two_moons_gatsbi-fast_300_seed1/pairplot_observation_1.png" })
            Assert.True(File.Exists(Path.Combine(dir, "plots", png)), $"{png} missing");

        var again = CliHarness.Run(args);
        Assert.True(again.Code == 0, again.Error);
        Assert.Contains("2 cells already finished", again.Out);
        Assert.DoesNotContain("trained", again.Out);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(dir, "results.csv")).Length);
    }

    /// <summary>
    /// The baselines run through the same command: NPE trains once for all observations, the ABC methods run
    /// once per observation. Tiny budgets, so only the plumbing is checked, not accuracy (the benchmark does that).
    /// </summary>
    [Fact]
    public void Baselines_run_in_the_same_bench()
    {
        string dir = Path.Combine(_temp.Path, "baselines");
        var result = CliHarness.Run("bench", "--tasks", "two_moons", "--methods", "npe,rej-abc,smc-abc", "--budgets", "300",
            "--observations", "1-2", "--posterior-samples", "300", "--out", dir);
        Assert.True(result.Code == 0, result.Error);
        var rows = new ResultsFile(Path.Combine(dir, "results.csv")).Read();
        Assert.All(rows, r => Assert.True(r.Succeeded, r.Status));
        Assert.Equal(["NPE", "NPE", "REJ-ABC", "REJ-ABC", "SMC-ABC", "SMC-ABC"], rows.Select(r => r.Key.Method).Order());
        // NPE trained once (one "trained" line); each ABC observation ran on its own.
        Assert.Single(result.Out.Split('\n'), l => l.Contains("trained "));
        Assert.Equal(4, result.Out.Split('\n').Count(l => l.Contains("-ABC ran in")));
        string summary = File.ReadAllText(Path.Combine(dir, "summary.md"));
        Assert.Contains("NPE (sbibm)", summary);
        Assert.Contains("SMC-ABC (sbibm)", summary);
        foreach (var png in new[] { "two_moons_npe-sbibm_300_seed1/training.png", "two_moons_smc-abc-sbibm_300_seed1/training.png",
                     "two_moons_rej-abc-sbibm_300_seed1/pairplot_observation_2.png" })
            Assert.True(File.Exists(Path.Combine(dir, "plots", png)), $"{png} missing");
    }

    [Theory]
    [InlineData("--observations", "0-3", "outside 1..10")]
    [InlineData("--budgets", "1000,abc", "'abc' is not")]
    [InlineData("--methods", "magic", "unknown method 'magic'")]
    [InlineData("--tasks", "nope", "Unknown task 'nope'")]
    [InlineData("--flow", "glow", "unknown flow 'glow'")]
    public void Bad_options_are_named(string option, string value, string expected)
    {
        var result = CliHarness.Run("bench", option, value, "--out", Path.Combine(_temp.Path, "x"));
        Assert.Equal(2, result.Code);
        Assert.Contains(expected, result.Error);
    }
}
