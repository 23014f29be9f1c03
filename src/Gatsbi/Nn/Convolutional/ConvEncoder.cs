using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatsbi.Nn.Convolutional;

/// <summary>
/// The DCGAN-style encoder of the shallow water networks (the original GATSBI code, github.com/mackelab/gatsbi,
/// gatsbi/task_utils/shallow_water_model/networks.py): 4×4 convolutions without
/// bias, each but the last followed by BatchNorm and ReLU, the last by Tanh, then flattened. The first
/// ("stem") convolution has stride 1 and no padding in the paper; stride 2 with padding 1 halves the image
/// at once, which on a CPU is most of the saving (the stem's output is the largest tensor of the network).
/// Every later convolution has stride 2 and padding 1.
/// </summary>
public sealed class ConvEncoder : nn.Module<Tensor, Tensor>
{
    private const int Kernel = 4;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> convs = new();
    private readonly ModuleList<BatchNorm2d> norms = new();

    /// <summary>An encoder for images of <paramref name="inChannels"/> × <paramref name="height"/> × <paramref name="width"/>.</summary>
    /// <param name="inChannels">Channels of the input images.</param>
    /// <param name="height">Input height in pixels.</param>
    /// <param name="width">Input width in pixels.</param>
    /// <param name="channels">Output channels of each convolution, in order; the last one's output is flattened.</param>
    /// <param name="stemStride">Stride of the first convolution: 1 (published, no padding) or 2 (padding 1).</param>
    /// <param name="spectralNorm">Spectrally normalise every convolution (the discriminator's encoder).</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="channels"/> is empty or has a non-positive width, <paramref name="stemStride"/> is not 1
    /// or 2, or the image is too small for the convolutions.
    /// </exception>
    public ConvEncoder(int inChannels, int height, int width, int[] channels, int stemStride, bool spectralNorm) : base(nameof(ConvEncoder))
    {
        if (channels.Length == 0 || channels.Any(c => c < 1))
            throw new ArgumentException($"Encoder channels must be a non-empty list of positive widths; got [{string.Join(", ", channels)}].");
        if (stemStride is not (1 or 2)) throw new ArgumentException($"The stem stride must be 1 or 2; got {stemStride}.");
        int previous = inChannels;
        (int h, int w) = (height, width);
        long largest = (long)inChannels * height * width;
        for (int i = 0; i < channels.Length; i++)
        {
            int stride = i == 0 ? stemStride : 2, padding = stride == 1 ? 0 : 1;
            convs.Add(spectralNorm
                ? new SpectralNormConv2d(previous, channels[i], Kernel, stride, padding, hasBias: false)
                : nn.Conv2d(previous, channels[i], Kernel, stride, padding, bias: false));
            if (i < channels.Length - 1) norms.Add(nn.BatchNorm2d(channels[i]));
            (h, w) = (Output(h, stride, padding), Output(w, stride, padding));
            if (h < 1 || w < 1)
                throw new ArgumentException($"A {height}×{width} image is too small for {channels.Length} convolutions: convolution {i + 1} would leave {h}×{w}.");
            previous = channels[i];
            largest = Math.Max(largest, (long)channels[i] * h * w);
        }
        OutputHeight = h;
        OutputWidth = w;
        OutputFeatures = channels[^1] * h * w;
        LargestMapValues = largest;
        RegisterComponents();
    }

    /// <summary>Height of the last convolution's output map, in pixels.</summary>
    public int OutputHeight { get; }

    /// <summary>Width of the last convolution's output map, in pixels.</summary>
    public int OutputWidth { get; }

    /// <summary>Values per row of the largest map the encoder computes (its input included): what bounds its memory.</summary>
    public long LargestMapValues { get; }

    /// <summary>Length of the flattened output per row.</summary>
    public int OutputFeatures { get; }

    /// <summary>Output size of one convolution; 0 when the kernel no longer fits.</summary>
    private static int Output(int size, int stride, int padding)
    {
        int span = size + 2 * padding - Kernel;
        return span < 0 ? 0 : span / stride + 1;
    }

    /// <summary>Images (rows, channels, height, width) to features (rows, <see cref="OutputFeatures"/>).</summary>
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var h = images;
        for (int i = 0; i < convs.Count; i++)
        {
            h = convs[i].forward(h);
            h = i < norms.Count ? norms[i].forward(h).relu_() : h.tanh_();
        }
        return h.flatten(1).MoveToOuterDisposeScope();
    }
}
