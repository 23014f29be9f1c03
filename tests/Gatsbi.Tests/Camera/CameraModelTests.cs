using Gatsbi.Benchmarks.Camera;
using Gatsbi.Distributions;
using Gatsbi.Randomness;
using Gatsbi.Simulation;
using Gatsbi.Storage;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Camera;

public sealed class PoissonImageNoiseTests
{
    [Fact]
    public void The_photon_scale_is_the_power_of_two_at_or_above_the_number_of_grey_levels()
    {
        Assert.Equal(1, PoissonImageNoise.PhotonScale([0.3f, 0.3f, 0.3f]));
        Assert.Equal(2, PoissonImageNoise.PhotonScale([0f, 1f, 0f]));
        Assert.Equal(4, PoissonImageNoise.PhotonScale([0f, 1 / 255f, 2 / 255f]));
        Assert.Equal(4, PoissonImageNoise.PhotonScale([0f, 0.25f, 0.5f, 1f]));
        var levels = Enumerable.Range(0, 256).Select(k => k / 255f).ToArray();
        Assert.Equal(256, PoissonImageNoise.PhotonScale(levels));
        Assert.Equal(256, PoissonImageNoise.PhotonScale(levels[..129]));
        Assert.Equal(128, PoissonImageNoise.PhotonScale(levels[..128]));
        // Values that are not multiples of 1/255 take the sorting path; the count is the same idea.
        Assert.Equal(3, PoissonImageNoise.DistinctValues([0.1234f, 0.5f, 0.1234f, 0.99999f]));
        Assert.Equal(4, PoissonImageNoise.PhotonScale([0.1234f, 0.5f, 0.1234f, 0.99999f]));
    }

    /// <summary>
    /// A constant image c has one grey level, so V = 1 and every pixel is min(1, Poisson(c)): only 0 and 1, with
    /// P(0) = e^−c. 50 images of 784 pixels give 39,200 draws: SE √(p(1 − p)/n) ≈ 0.0024; 5 SE bound.
    /// </summary>
    [Fact]
    public void A_constant_image_becomes_min_of_one_and_a_poisson_draw()
    {
        const float c = 0.4f;
        var image = Enumerable.Repeat(c, 784).ToArray();
        var noisy = new double[784];
        var rng = new Rng(21);
        int zeros = 0, total = 0;
        for (int n = 0; n < 50; n++)
        {
            Assert.Equal(1, PoissonImageNoise.Apply(image, noisy, rng));
            foreach (double v in noisy)
            {
                Assert.True(v == 0 || v == 1, $"pixel value {v} is neither 0 nor 1");
                if (v == 0) zeros++;
                total++;
            }
        }
        double p = Math.Exp(-c), se = Math.Sqrt(p * (1 - p) / total);
        Assert.InRange(zeros / (double)total, p - 5 * se, p + 5 * se);
    }

    /// <summary>With V = 4 the noisy pixels are multiples of 1/4 in [0, 1] and, before clipping, have mean I.</summary>
    [Fact]
    public void Pixels_are_counts_over_the_scale_clipped_to_one()
    {
        float[] image = [0f, 0.25f, 0.5f, 1f];
        var noisy = new double[4];
        var rng = new Rng(5);
        var sums = new double[4];
        const int repeats = 20_000;
        for (int n = 0; n < repeats; n++)
        {
            Assert.Equal(4, PoissonImageNoise.Apply(image, noisy, rng));
            for (int p = 0; p < 4; p++)
            {
                Assert.Equal(Math.Round(noisy[p] * 4) / 4, noisy[p]);
                Assert.InRange(noisy[p], 0, 1);
                sums[p] += noisy[p];
            }
        }
        Assert.Equal(0, sums[0]);
        // Pixel I, λ = 4I: E[min(1, K/4)] = Σₖ min(1, k/4)·P(K = k), K ~ Poisson(λ); clipping starts at K = 5.
        // The SE is at most √(Var(K/4)/n) = √(λ/16/n) (clipping only shrinks the variance); 5 SE bounds.
        static double ClippedMean(double lambda) =>
            Enumerable.Range(0, 60).Sum(k => Math.Min(1, k / 4.0) * Math.Exp(-lambda + k * Math.Log(lambda) - RandomVariates.LogGamma(k + 1.0)));
        foreach (var (p, lambda) in new[] { (1, 1.0), (2, 2.0), (3, 4.0) })
        {
            double bound = 5 * Math.Sqrt(lambda / 16 / repeats);
            Assert.InRange(sums[p] / repeats, ClippedMean(lambda) - bound, ClippedMean(lambda) + bound);
        }
        Assert.True(ClippedMean(4) < 0.9, "the clipped pixel 1 must have a mean visibly below 1 for this check to bite");
    }

    [Fact]
    public void Pixels_outside_the_unit_interval_are_rejected()
    {
        var noisy = new double[2];
        Assert.Throws<ArgumentOutOfRangeException>(() => PoissonImageNoise.Apply([0.5f, -0.1f], noisy, new Rng(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => PoissonImageNoise.Apply([float.NaN, 0f], noisy, new Rng(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => PoissonImageNoise.Apply([1.01f, 0f], noisy, new Rng(1)));
    }
}

public sealed class GaussianBlurTests
{
    /// <summary>SciPy's kernel for σ = 3, truncate 4, written out independently: 25 taps exp(−k²/18), normalised.</summary>
    private static double[] ExpectedKernel()
    {
        var w = Enumerable.Range(-12, 25).Select(k => Math.Exp(-k * k / 18.0)).ToArray();
        double sum = w.Sum();
        return w.Select(v => v / sum).ToArray();
    }

    /// <summary>Half-sample reflection by bouncing off the edges until inside: −1 → 0, n → n − 1.</summary>
    private static int Bounce(int i, int n)
    {
        while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - 1 - i;
        return i;
    }

    /// <summary>
    /// The blur written as one dense 2-D sum: out(r, c) = Σ_{a,b} w_a w_b in(Bounce(r + a), Bounce(c + b)),
    /// independent of the implementation's index tables and summation order.
    /// </summary>
    private static double[] DirectBlur(double[] image, int height, int width, double[] w)
    {
        int radius = w.Length / 2;
        var result = new double[height * width];
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
                for (int a = -radius; a <= radius; a++)
                    for (int b = -radius; b <= radius; b++)
                        result[r * width + c] += w[a + radius] * w[b + radius] * image[Bounce(r + a, height) * width + Bounce(c + b, width)];
        return result;
    }

    [Fact]
    public void The_kernel_has_25_taps_summing_to_one()
    {
        var blur = new GaussianBlur(28, 28);
        Assert.Equal(12, blur.Radius);
        Assert.Equal(25, blur.Weights.Length);
        var expected = ExpectedKernel();
        for (int k = 0; k < 25; k++) Assert.Equal(expected[k], blur.Weights[k], 15);
        Assert.Equal(1.0, blur.Weights.Sum(), 14);
        Assert.Equal(4, new GaussianBlur(5, 5, sigma: 1).Radius); // ⌊4·1 + 0.5⌋
    }

    /// <summary>Away from the borders a delta image becomes the outer product of the 25-tap kernel with itself.</summary>
    [Fact]
    public void A_centred_delta_reproduces_the_kernel()
    {
        var image = new double[28 * 28];
        image[14 * 28 + 14] = 1;
        var output = new double[28 * 28];
        new GaussianBlur(28, 28).Apply(image, output, new double[28 * 28]);
        var w = ExpectedKernel();
        for (int r = 0; r < 28; r++)
            for (int c = 0; c < 28; c++)
            {
                int i = r - 14, j = c - 14;
                double expected = Math.Abs(i) <= 12 && Math.Abs(j) <= 12 ? w[i + 12] * w[j + 12] : 0;
                Assert.Equal(expected, output[r * 28 + c], 1e-15);
            }
    }

    /// <summary>
    /// A delta in the corner: the taps that fall off the edge fold back, e.g. out(0, 0) = (w₀ + w₁)², and the
    /// whole image matches the direct 2-D sum to rounding (1e-15 absolute on values below 0.02).
    /// </summary>
    [Fact]
    public void A_corner_delta_reproduces_the_reflected_kernel()
    {
        var image = new double[28 * 28];
        image[0] = 1;
        var output = new double[28 * 28];
        new GaussianBlur(28, 28).Apply(image, output, new double[28 * 28]);
        var w = ExpectedKernel();
        Assert.Equal((w[12] + w[13]) * (w[12] + w[13]), output[0], 1e-15);
        Assert.Equal((w[12] + w[13]) * (w[11] + w[14]), output[1], 1e-15); // column 1: offsets −1 and −2 land on 0
        var direct = DirectBlur(image, 28, 28, w);
        for (int p = 0; p < direct.Length; p++) Assert.Equal(direct[p], output[p], 1e-15);
    }

    /// <summary>Images narrower than the kernel radius need repeated reflection (period 2n); compare with the direct sum.</summary>
    [Fact]
    public void Small_images_reflect_repeatedly()
    {
        var rng = new Rng(3);
        var image = Enumerable.Range(0, 5 * 3).Select(_ => rng.NextDouble()).ToArray();
        var output = new double[15];
        new GaussianBlur(5, 3).Apply(image, output, new double[15]);
        var direct = DirectBlur(image, 5, 3, ExpectedKernel());
        for (int p = 0; p < 15; p++) Assert.Equal(direct[p], output[p], 1e-14); // sums of up to 625 terms in another order: rounding only
        Assert.Equal([0, 1, 2, 2, 1, 0, 0, 1], Enumerable.Range(-3, 8).Select(i => GaussianBlur.Reflect(i + 3, 3)));
        Assert.Equal(0, GaussianBlur.Reflect(-7, 1));
    }

    [Fact]
    public void A_constant_image_is_unchanged()
    {
        var image = Enumerable.Repeat(0.37, 28 * 20).ToArray();
        var output = new double[28 * 20];
        new GaussianBlur(28, 20).Apply(image, output, new double[28 * 20]);
        Assert.All(output, v => Assert.Equal(0.37, v, 14));
    }
}

public sealed class CameraSimulatorTests
{
    /// <summary>Random 8-bit images, as an image prior holds them.</summary>
    private static ImageSet RandomImages(int count, int height = 28, int width = 28, ulong seed = 1)
    {
        var rng = new Rng(seed);
        var pixels = new float[count, height * width];
        for (int i = 0; i < count; i++)
            for (int p = 0; p < height * width; p++) pixels[i, p] = rng.NextInt(256) / 255f;
        return new ImageSet(pixels, height, width, "random test images");
    }

    [Fact]
    public void Output_has_the_image_shape_and_lies_in_the_unit_interval()
    {
        var sim = new CameraSimulator(12, 9);
        Assert.Equal((108, 108), (sim.ParameterDimension, sim.DataDimension));
        var theta = RandomImages(6, 12, 9).Pixels;
        var x = new float[6, 108];
        sim.Simulate(theta, x, new Rng(2));
        Assert.All(x.AsSpan().ToArray(), v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(784, new CameraSimulator().DataDimension);
        Assert.Equal(3.0, new CameraSimulator().BlurSigma);
    }

    [Fact]
    public void The_same_seed_gives_the_same_images_and_another_seed_others()
    {
        var sim = new CameraSimulator();
        var theta = RandomImages(4).Pixels;
        float[,] Run(ulong seed)
        {
            var x = new float[4, 784];
            sim.Simulate(theta, x, new Rng(seed));
            return x;
        }
        Assert.Equal(Run(7), Run(7));
        Assert.NotEqual(Run(7), Run(8));
    }

    [Fact]
    public void The_result_does_not_depend_on_the_thread_count()
    {
        var prior = new ImagePrior(RandomImages(64));
        var sim = new CameraSimulator();
        var one = new SimulationRunner { MaxThreads = 1, ChunkSize = 8 }.Run(prior, sim, 64, seed: 5);
        var two = new SimulationRunner { MaxThreads = 2, ChunkSize = 8 }.Run(prior, sim, 64, seed: 5);
        Assert.Equal(one.Theta, two.Theta);
        Assert.Equal(one.X, two.X);
        Assert.Equal(64, one.Count);
    }

    /// <summary>
    /// A constant image c: noise gives min(1, Poisson(c)) per pixel and the blur preserves the mean of a
    /// constant, so x has expectation 1 − e^−c everywhere. Checked on the mean over 300 images of their
    /// pixel means (independent across images), 5 SE with the SE estimated from the same images.
    /// </summary>
    [Fact]
    public void A_constant_image_is_recorded_with_mean_one_minus_exp_minus_c()
    {
        const float c = 0.5f;
        var theta = Gatsbi.Matrices.Repeat(Enumerable.Repeat(c, 784).ToArray(), 300);
        var x = new float[300, 784];
        new CameraSimulator().Simulate(theta, x, new Rng(13));
        var means = Enumerable.Range(0, 300).Select(i => x.Row(i).ToArray().Average(v => (double)v)).ToArray();
        double se = Stats.Std(means) / Math.Sqrt(means.Length);
        Assert.InRange(Stats.Mean(means), 1 - Math.Exp(-c) - 5 * se, 1 - Math.Exp(-c) + 5 * se);
    }

    [Fact]
    public void A_pixel_outside_the_unit_interval_names_the_row()
    {
        var theta = RandomImages(3, 4, 4).Pixels;
        theta[2, 5] = 1.5f;
        var e = Assert.Throws<SimulationFailedException>(() => new CameraSimulator(4, 4).Simulate(theta, new float[3, 16], new Rng(1)));
        Assert.Equal(2, e.Row);
        Assert.Contains("pixel 5 (row 1, column 1)", e.Message);
        Assert.Contains("1.5", e.Message);
    }
}

public sealed class ImagePriorTests
{
    [Fact]
    public void Without_replacement_one_call_returns_distinct_rows()
    {
        var rows = new float[50, 2];
        for (int i = 0; i < 50; i++) rows[i, 0] = i;
        var prior = new EmpiricalPrior(rows, replacement: false);
        Assert.False(prior.Replacement);
        var all = prior.Sample(50, new Rng(3));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (float)i), Enumerable.Range(0, 50).Select(i => all[i, 0]).Order());
        // Not the identity order: the shuffle happened.
        Assert.NotEqual(Enumerable.Range(0, 50).Select(i => (float)i), Enumerable.Range(0, 50).Select(i => all[i, 0]));
        var some = prior.Sample(20, new Rng(4));
        Assert.Equal(20, Enumerable.Range(0, 20).Select(i => some[i, 0]).Distinct().Count());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => prior.Sample(51, new Rng(1)));
        Assert.Contains("51", e.Message);
        Assert.True(new EmpiricalPrior(rows).Replacement);
    }

    /// <summary>
    /// The first of n distinct draws is uniform over the set: 4000 calls of Sample(2) from 4 rows give each row
    /// first with p = 1/4, binomial SE ≈ 27; 5 SE bound.
    /// </summary>
    [Fact]
    public void Draws_without_replacement_are_uniform()
    {
        var prior = new EmpiricalPrior(new float[,] { { 0 }, { 1 }, { 2 }, { 3 } }, replacement: false);
        var rng = new Rng(8);
        var counts = new int[4];
        for (int n = 0; n < 4000; n++) counts[(int)prior.Sample(2, rng)[1, 0]]++;
        Assert.All(counts, k => Assert.InRange(k, 1000 - 137, 1000 + 137));
    }

    [Fact]
    public void An_image_prior_keeps_the_shape_and_has_the_unit_box_as_support()
    {
        var pixels = new float[3, 6];
        pixels[1, 2] = 1f;
        var prior = new ImagePrior(new ImageSet(pixels, 2, 3, "test"));
        Assert.Equal((2, 3, 6, 3), (prior.Height, prior.Width, prior.Dimension, prior.Count));
        Assert.Equal(Support.Box(6, 0f, 1f), prior.Support);
        Assert.False(prior.Replacement);
        Assert.Throws<ArgumentOutOfRangeException>(() => prior.Sample(4, new Rng(1)));
        Assert.Equal(3, prior.Sample(3, new Rng(1)).GetLength(0));
    }

    [Fact]
    public void The_default_prior_is_fashion_mnist_from_the_debian_package()
    {
        Assert.Equal("/usr/share/datasets/fashion-mnist", FashionMnist.DefaultDirectory);
        Assert.Equal("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", FashionMnist.TrainImages);
        Assert.Equal("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", FashionMnist.TestImages);
        var missing = Path.Combine(Path.GetTempPath(), "gatsbi-no-such-images", "train-images-idx3-ubyte.gz");
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Prior(missing));
        Assert.Contains("dataset-fashion-mnist", e.Message);
        Assert.Contains(missing, e.Message);
    }
}
