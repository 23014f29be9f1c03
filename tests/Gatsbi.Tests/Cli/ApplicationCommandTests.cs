using System.Buffers.Binary;
using Gatsbi.Storage;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Cli;

/// <summary><c>gatsbi train --task shallow_water|camera</c> end to end on tiny budgets: outputs, figures and errors.</summary>
[Collection(TorchCollection.Name)]
public sealed class ApplicationCommandTests : TorchTest, IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>An IDX file of <paramref name="count"/> <paramref name="size"/>² images: soft blobs at varying places.</summary>
    private string ImageFile(int count, int size)
    {
        var bytes = new byte[16 + count * size * size];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x803);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), size);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), size);
        for (int n = 0; n < count; n++)
        {
            int cx = 6 + n % 16, cy = 6 + n * 7 % 16;
            for (int i = 0; i < size; i++)
                for (int j = 0; j < size; j++)
                {
                    double r2 = (i - cy) * (i - cy) + (j - cx) * (j - cx);
                    bytes[16 + n * size * size + i * size + j] = (byte)(255 * Math.Exp(-r2 / 18));
                }
        }
        string path = Path.Combine(_temp.Path, $"images{size}.idx");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Camera_writes_a_model_image_grid_and_errors_beside_the_observation_error()
    {
        string dir = Path.Combine(_temp.Path, "camera");
        var run = CliHarness.Run("train", "--task", "camera", "--prior", ImageFile(300, 28), "--simulations", "300", "--epochs", "3",
            "--test-cases", "2", "--test-samples", "20", "--out", dir);
        Assert.True(run.Code == 0, run.Error);
        foreach (var file in new[] { "posterior.gatsbi", "training_log.csv", "images.png", "summary.md", "test_theta.csv", "test_posterior_mean.csv", "test_posterior_std.csv" })
            Assert.True(File.Exists(Path.Combine(dir, file)), $"{file} missing; output: {run.Out}");
        Assert.Contains("MSE of the posterior mean", run.Out);
        Assert.Contains("of the blurred observation itself", run.Out);
        Assert.Equal(2, CsvMatrix.Read(Path.Combine(dir, "test_posterior_mean.csv")).Rows);
        Assert.Equal("camera", PosteriorFile.Load(Path.Combine(dir, "posterior.gatsbi")).Info.Training["source"]["task ".Length..]);
    }

    [Fact]
    public void Shallow_water_writes_profiles_and_calibration()
    {
        string dir = Path.Combine(_temp.Path, "sw");
        var run = CliHarness.Run("train", "--task", "shallow_water", "--simulations", "80", "--epochs", "2", "--test-cases", "2",
            "--test-samples", "30", "--sbc-draws", "12", "--out", dir);
        Assert.True(run.Code == 0, run.Error);
        foreach (var file in new[] { "posterior.gatsbi", "profiles.png", "summary.md", "sbc_ranks.csv", "sbc_ecdf_difference.png", "sbc_ecdf_difference_by_depth.png", "sbc_rank_histograms.png" })
            Assert.True(File.Exists(Path.Combine(dir, file)), $"{file} missing; output: {run.Out}");
        var ranks = CsvMatrix.Read(Path.Combine(dir, "sbc_ranks.csv"));
        Assert.Equal(12, ranks.Rows);
        Assert.Equal(100, ranks.Columns);
        Assert.Contains("90% posterior band covers the true depth", run.Out);
        Assert.Contains("SBC (12 draws)", run.Out);

        // A user's observation in the published 2×100×100 layout is folded for the fast preset's model.
        var full = new float[1, 20_000];
        for (int i = 0; i < 20_000; i++) full[0, i] = (i % 7) * 0.1f;
        string observation = Path.Combine(_temp.Path, "xo.npy");
        MatrixFile.Write(observation, new NamedMatrix(CsvMatrix.DefaultNames("x", 20_000), full));
        string samples = Path.Combine(_temp.Path, "depths.csv");
        var sample = CliHarness.Run("sample", "--model", Path.Combine(dir, "posterior.gatsbi"), "--observation", observation, "--n", "5", "--out", samples);
        Assert.True(sample.Code == 0, sample.Error);
        Assert.Contains("Folded the 2×100×100", sample.Out);
        Assert.Equal(100, CsvMatrix.Read(samples).Columns);
    }

    [Theory]
    [InlineData("--method", "npe", "does not apply")]
    [InlineData("--observation", "1", "do not apply")]
    [InlineData("--preset", "slow", "Unknown preset 'slow'")]
    public void Wrong_options_for_an_application_are_named(string option, string value, string message)
    {
        var run = CliHarness.Run("train", "--task", "shallow_water", option, value, "--out", Path.Combine(_temp.Path, "bad"));
        Assert.NotEqual(0, run.Code);
        Assert.Contains(message, run.Error);
    }

    [Fact]
    public void A_prior_of_the_wrong_image_size_is_named()
    {
        var run = CliHarness.Run("train", "--task", "camera", "--prior", ImageFile(4, 20), "--out", Path.Combine(_temp.Path, "bad"));
        Assert.NotEqual(0, run.Code);
        Assert.Contains("20×20", run.Error);
        run = CliHarness.Run("train", "--task", "shallow_water", "--prior", ImageFile(4, 28), "--out", Path.Combine(_temp.Path, "bad"));
        Assert.Contains("--prior sets the camera model's image prior", run.Error);
    }
}
