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

    [Theory]
    [InlineData("--observations", "0-3", "outside 1..10")]
    [InlineData("--budgets", "1000,abc", "'abc' is not")]
    [InlineData("--methods", "magic", "unknown method 'magic'")]
    [InlineData("--tasks", "nope", "Unknown task 'nope'")]
    public void Bad_options_are_named(string option, string value, string expected)
    {
        var result = CliHarness.Run("bench", option, value, "--out", Path.Combine(_temp.Path, "x"));
        Assert.Equal(2, result.Code);
        Assert.Contains(expected, result.Error);
    }
}
