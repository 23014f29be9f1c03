using Gatsbi.Benchmarks;
using Gatsbi.Benchmarks.References;
using Gatsbi.Storage;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Cli;

/// <summary><c>gatsbi references</c> in process, on budgets far below the defaults.</summary>
[Collection(TorchCollection.Name)]
public sealed class ReferencesCommandTests : TorchTest, IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>
    /// Eight chains from resampled starts find both of two_moons' crescents, so even a flow fitted for 30 epochs to
    /// 2,000 draws makes a proposal that accepts a few percent (two chains in one crescent accept 0.03 %).
    /// </summary>
    private static readonly string[] Small =
        ["--samples", "300", "--mcmc-samples", "2000", "--chains", "8", "--warmup", "200", "--thin", "2", "--start-draws", "5000", "--flow-epochs", "30", "--search-patience", "2"];

    private (int Code, string Out, string Error) References(string root, string observations) =>
        CliHarness.Run(["references", "--task", "two_moons", "--observation", observations, "--out", root, .. Small]);

    [Fact]
    public void Writes_sbibm_layout_with_provenance_that_bench_and_c2st_can_read_and_resumes_by_skipping_finished_observations()
    {
        string root = _temp.Path;
        var first = References(root, "2");
        Assert.True(first.Code == 0, first.Error);

        var task = TaskRegistry.Get("two_moons", root);
        var source = task.FindReference(2)!;
        Assert.Equal(ReferenceOrigin.Folder, source.Origin);
        var samples = task.ReferencePosterior(2);
        Assert.Equal((300, 2), (samples.GetLength(0), samples.GetLength(1)));
        Assert.All(samples.AsSpan().ToArray(), v => Assert.InRange(v, -1f, 1f));

        string folder = TaskReferenceGenerator.ObservationFolder(root, task, 2);
        Assert.Equal(task.Observation(2), CsvMatrix.Read(Path.Combine(folder, "observation.csv")).Values.Row(0).ToArray());
        Assert.Equal(task.TrueParameters(2), CsvMatrix.Read(Path.Combine(folder, "true_parameters.csv")).Values.Row(0).ToArray());
        var provenance = ReferenceProvenance.Read(Path.Combine(folder, TaskReferenceGenerator.ProvenanceFileName));
        Assert.Equal(("two_moons", 2, 300, 8, 5000), (provenance.Task, provenance.Observation, provenance.Samples, provenance.McmcChains, provenance.StartDraws));
        Assert.InRange(provenance.AcceptanceRate, 1e-6, 1);
        Assert.StartsWith("gatsbi references --task two_moons --observation 2", provenance.Command);

        // A second run over observations 2-3 skips 2, leaving its file untouched, and makes 3.
        var written = File.GetLastWriteTimeUtc(Path.Combine(folder, BenchmarkTask.ReferenceFileName + ".gz"));
        var second = References(root, "2-3");
        Assert.True(second.Code == 0, second.Error);
        Assert.Contains("observation  2: already finished", second.Out);
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(folder, BenchmarkTask.ReferenceFileName + ".gz")));
        Assert.True(TaskReferenceGenerator.IsFinished(root, task, 3));
    }

    [Theory]
    [InlineData("11", "--observation: '11' is outside 1..10")]
    [InlineData("a-b", "--observation: 'a-b' is neither a number nor a range")]
    public void Bad_observation_numbers_are_named(string observations, string message)
    {
        var result = References(_temp.Path, observations);
        Assert.Equal(2, result.Code);
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public void A_bad_setting_names_the_option()
    {
        var result = CliHarness.Run("references", "--task", "two_moons", "--out", _temp.Path, "--chains", "0");
        Assert.Equal(2, result.Code);
        Assert.Contains("Chains", result.Error);
    }
}
