using Gatsbi.Inference.Gatsbi;
using Gatsbi.Nn;
using Gatsbi.Nn.Convolutional;
using Gatsbi.Posteriors;
using Gatsbi.Randomness;
using Gatsbi.Simulation;
using Gatsbi.Storage;
using Gatsbi.Tests.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatsbi.Tests.Nn;

[Collection(TorchCollection.Name)]
public sealed class ConvolutionalNetworkTests : TorchTest
{
    private static long Trainable(nn.Module module) => module.parameters().Sum(p => p.numel());

    /// <summary>A small encoder pair for shape and training tests: 2 × 20 × 24 images, θ of 3 values.</summary>
    private static readonly EncoderNetworks Small = new(2, 20, 24, [8, 8, 4], [8, 8, 4], StemStride: 2, LatentDimension: 5, EmbeddingWidth: 6, HeadUnits: [16, 16]);

    /// <summary>
    /// Parameter counts of the original shallow water networks (gatsbi/task_utils/shallow_water_model/networks.py in
    /// github.com/mackelab/gatsbi) on 2 × 100 × 100 spectra and 100 depths.
    /// </summary>
    [Fact]
    public void Paper_shallow_water_networks_have_the_published_parameter_counts()
    {
        var spec = EncoderNetworks.Paper(2, 100, 100);
        using var g = spec.CreateGenerator(100);
        using var d = spec.CreateDiscriminator(100);
        Assert.Equal(2_908_564L, Trainable(g));
        Assert.Equal(918_033L, Trainable(d));
    }

    /// <summary>Parameter counts of the original camera networks (gatsbi/task_utils/camera_model/networks.py in github.com/mackelab/gatsbi).</summary>
    [Fact]
    public void Camera_networks_have_the_published_parameter_counts()
    {
        var spec = new UNetNetworks();
        using var g = spec.CreateGenerator(784);
        using var d = spec.CreateDiscriminator(784);
        Assert.Equal(180_289L, Trainable(g));
        Assert.Equal(437L, Trainable(d));
    }

    [Fact]
    public void Encoder_networks_map_flat_images_to_parameters_and_logits()
    {
        manual_seed(3);
        using var g = Small.CreateGenerator(3);
        using var d = Small.CreateDiscriminator(3);
        using var x = randn(5, Small.DataDimension);
        using var theta = g.forward(x);
        Assert.Equal([5L, 3L], theta.shape);
        using var logits = d.forward(theta, x);
        Assert.Equal([5L, 1L], logits.shape);
    }

    [Fact]
    public void UNet_maps_an_image_to_an_image_in_the_unit_interval()
    {
        manual_seed(4);
        var spec = new UNetNetworks();
        using var g = spec.CreateGenerator(784);
        using var d = spec.CreateDiscriminator(784);
        using var x = rand(6, 784);
        using var theta = g.forward(x);
        Assert.Equal([6L, 784L], theta.shape);
        Assert.True(theta.min().item<float>() > 0 && theta.max().item<float>() < 1);
        using var logits = d.forward(theta, x);
        Assert.Equal([6L, 1L], logits.shape);
    }

    [Fact]
    public void UNet_noise_changes_the_output_and_a_fixed_latent_reproduces_it()
    {
        manual_seed(5);
        using var g = new UNetNetworks().CreateGenerator(784);
        g.eval();
        using var x = rand(1, 784).expand(2, 784);
        using var z = randn(2, 200);
        using var a = g.ForwardUnbounded(x, z);
        using var b = g.ForwardUnbounded(x, z);
        Assert.Equal(0f, (a - b).abs().max().item<float>());
        using var gap = (a[0] - a[1]).abs().max();
        Assert.True(gap.item<float>() > 1e-4, "two latents gave the same image");
    }

    /// <summary>
    /// For fixed x the encoder generator is affine in z (homoscedastic noise h + Wz, then a linear layer, as in
    /// gatsbi/task_utils/shallow_water_model/networks.py of the original), so q(θ | x) is Gaussian.
    /// </summary>
    [Fact]
    public void Encoder_generator_is_affine_in_the_latent()
    {
        manual_seed(6);
        using var g = Small.CreateGenerator(3);
        g.eval();
        using var x = randn(1, Small.DataDimension).expand(4, Small.DataDimension);
        using var z1 = randn(4, 5);
        using var z2 = randn(4, 5);
        using var zero = zeros(4, 5);
        using var sum = g.ForwardUnbounded(x, z1 + z2);
        using var parts = g.ForwardUnbounded(x, z1) + g.ForwardUnbounded(x, z2) - g.ForwardUnbounded(x, zero);
        // float32 rounding of a sum of O(10) terms.
        Assert.True((sum - parts).abs().max().item<float>() < 1e-4);
    }

    [Fact]
    public void Spectral_norm_convolution_converges_to_the_largest_singular_value_of_its_flattened_weight()
    {
        manual_seed(7);
        using var conv = new SpectralNormConv2d(3, 5, 3, stride: 1, padding: 1);
        conv.train();
        using var x = randn(2, 3, 6, 6);
        for (int i = 0; i < 200; i++)
        {
            using var y = conv.forward(x);
        }
        using var matrix = conv.RawWeight.detach().flatten(1);
        var values = matrix.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
        var w = new double[5, 27];
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 27; j++) w[i, j] = values[i * 27 + j];
        Tensor Buffer(string name) => conv.named_buffers().Single(b => b.name == name).buffer;
        using var sigma = Buffer("weight_u").dot(matrix.mv(Buffer("weight_v")));
        // float32 power iteration: relative accuracy ~1e-6; 1e-4 leaves room for rounding.
        Assert.Equal(1.0, sigma.item<float>() / LinearAlgebra.LargestSingularValue(w), 4);
    }

    [Fact]
    public void Shapes_that_do_not_fit_are_named()
    {
        var e = Assert.Throws<ArgumentException>(() => Small.Validate(3, 100));
        Assert.Contains("2×20×24 = 960", e.Message);
        var tiny = Small with { Height = 4, Width = 4 };
        e = Assert.Throws<ArgumentException>(() => tiny.CreateGenerator(3));
        Assert.Contains("too small", e.Message);
        e = Assert.Throws<ArgumentException>(() => new UNetNetworks().Validate(100, 784));
        Assert.Contains("expected 784", e.Message);
    }

    /// <summary>A few epochs through the trainer; the posterior samples have the right shape and survive a model file.</summary>
    [Fact]
    public void Trainer_trains_convolutional_networks_and_the_model_file_restores_them()
    {
        int n = 300, d = Small.DataDimension;
        var rng = new Rng(8);
        var theta = new float[n, 3];
        var x = new float[n, d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 3; j++) theta[i, j] = (float)rng.Normal();
            for (int k = 0; k < d; k++) x[i, k] = theta[i, k % 3] + 0.1f * (float)rng.Normal();
        }
        var options = GatsbiOptions.Paper() with
        {
            Convolutional = Small, MaxEpochs = 6, LogEvery = 3, HoldOut = 20, DiscriminatorSteps = 1,
            GeneratorMaxGradNorm = 0.01, DiscriminatorMaxGradNorm = 0.01, Threads = 1,
        };
        var result = new GatsbiTrainer(options).Train(new SimulationSet(theta, x), support: null, seed: 1);
        using var posterior = result.Posterior;
        Assert.Equal(6, result.Epochs);
        Assert.IsType<EncoderGenerator>(posterior.Generator);
        var observation = x.Row(0).ToArray();
        var samples = posterior.Sample(observation, 50, seed: 2);
        Assert.Equal(50, samples.Count);

        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "conv.gatsbi");
        PosteriorFile.Save(path, posterior, new ModelInfo(["a", "b", "c"], CsvMatrix.DefaultNames("x", d), new Dictionary<string, string>()));
        using var loaded = (GatsbiPosterior)PosteriorFile.Load(path).Posterior;
        Assert.Equal(Small with { }, Assert.IsType<EncoderGenerator>(loaded.Generator).Spec, new EncoderComparer());
        Assert.Equal(samples.Samples, loaded.Sample(observation, 50, seed: 2).Samples);
    }

    [Fact]
    public void A_UNet_posterior_survives_a_model_file()
    {
        manual_seed(9);
        using var posterior = new GatsbiPosterior(new UNetNetworks(LatentDimension: 12).CreateGenerator(784), null);
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "camera.gatsbi");
        PosteriorFile.Save(path, posterior, new ModelInfo(CsvMatrix.DefaultNames("theta", 784), CsvMatrix.DefaultNames("x", 784), new Dictionary<string, string>()));
        using var loaded = (GatsbiPosterior)PosteriorFile.Load(path).Posterior;
        Assert.Equal(12, loaded.Generator.LatentDimension);
        var observation = Enumerable.Range(0, 784).Select(i => (i % 28) / 28f).ToArray();
        Assert.Equal(posterior.Sample(observation, 3, seed: 1).Samples, loaded.Sample(observation, 3, seed: 1).Samples);
    }

    /// <summary>The published stem's map (512 × 97 × 97 floats, 19 MB a row) limits a pass to 13 rows; the fast networks' to thousands.</summary>
    [Fact]
    public void Rows_per_pass_follow_the_largest_map()
    {
        using var paper = EncoderNetworks.Paper(2, 100, 100).CreateGenerator(100);
        Assert.Equal((int)(GeneratorNetwork.PassMemoryBytes / (512L * 97 * 97 * 4)), paper.RowsPerPass);
        Assert.Equal(13, paper.RowsPerPass);
        using var small = Small.CreateGenerator(3);
        Assert.Equal(65_536, small.RowsPerPass);
    }

    /// <summary>In evaluation mode rows are independent, so passes of a few rows give what one pass gives; the posterior samples through them.</summary>
    [Fact]
    public void Passes_of_a_few_rows_give_the_single_pass_result()
    {
        manual_seed(10);
        using var g = new FewRowsPerPass(Small.CreateGenerator(3));
        g.eval();
        using var x = randn(20, Small.DataDimension);
        using var z = randn(20, 5);
        using var whole = g.ForwardUnbounded(x, z);
        using var passes = g.ForwardUnboundedInPasses(x, z);
        Assert.True((whole - passes).abs().max().item<float>() < 1e-6);
        using var posterior = new GatsbiPosterior(g, null);
        Assert.Equal(20, posterior.Sample(x[0].data<float>().ToArray(), 20, seed: 1).Count);
    }

    /// <summary>A generator that forwards to another but passes only 7 rows at a time.</summary>
    private sealed class FewRowsPerPass : GeneratorNetwork
    {
        private readonly GeneratorNetwork inner;

        public FewRowsPerPass(GeneratorNetwork inner) : base(nameof(FewRowsPerPass))
        {
            this.inner = inner;
            RegisterComponents();
        }

        public override int DataDimension => inner.DataDimension;
        public override int ParameterDimension => inner.ParameterDimension;
        public override int LatentDimension => inner.LatentDimension;
        public override int RowsPerPass => 7;
        public override Tensor ForwardUnbounded(Tensor x, Tensor? z) => inner.ForwardUnbounded(x, z);
    }

    /// <summary>Records with array members compare arrays by reference; a file round trip gives new arrays.</summary>
    private sealed class EncoderComparer : IEqualityComparer<EncoderNetworks>
    {
        public bool Equals(EncoderNetworks? a, EncoderNetworks? b) =>
            a is not null && b is not null
            && a.GeneratorChannels.SequenceEqual(b.GeneratorChannels) && a.DiscriminatorChannels.SequenceEqual(b.DiscriminatorChannels)
            && a.HeadUnits.SequenceEqual(b.HeadUnits)
            && a with { GeneratorChannels = [], DiscriminatorChannels = [], HeadUnits = [] } == b with { GeneratorChannels = [], DiscriminatorChannels = [], HeadUnits = [] };

        public int GetHashCode(EncoderNetworks e) => e.Channels;
    }
}
