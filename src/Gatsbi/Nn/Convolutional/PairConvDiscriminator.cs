using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatsbi.Nn.Convolutional;

/// <summary>
/// The camera model's discriminator (437 weights): θ and x as the two channels of one 28 × 28 image (θ first),
/// three spectrally normalised 2 × 2 stride-2 convolutions, each followed by LeakyReLU(0.2) and BatchNorm,
/// and a 5 × 5 convolution to one logit.
/// </summary>
public sealed class PairConvDiscriminator : DiscriminatorNetwork
{
    private readonly SpectralNormConv2d conv1, conv2, conv3, conv4;
    private readonly BatchNorm2d norm1, norm2, norm3;

    /// <summary>A fresh discriminator; weights and spectral-norm start vectors come from libtorch's global generator.</summary>
    public PairConvDiscriminator() : base(nameof(PairConvDiscriminator))
    {
        conv1 = new SpectralNormConv2d(2, 4, 2, 2, 1);
        norm1 = nn.BatchNorm2d(4);
        conv2 = new SpectralNormConv2d(4, 8, 2, 2, 1);
        norm2 = nn.BatchNorm2d(8);
        conv3 = new SpectralNormConv2d(8, 4, 2, 2, 1);
        norm3 = nn.BatchNorm2d(4);
        conv4 = new SpectralNormConv2d(4, 1, 5, 1, 0);
        RegisterComponents();
    }

    /// <summary>Logits of shape (rows, 1) for flattened 28 × 28 θ and x images (rows × 784 each).</summary>
    public override Tensor forward(Tensor theta, Tensor x)
    {
        using var scope = NewDisposeScope();
        const int size = UNetNetworks.ImageSize;
        long rows = theta.shape[0];
        var h = cat([theta.reshape(rows, 1, size, size), x.reshape(rows, 1, size, size)], 1);
        var slope = TorchScalars.Of(0.2);
        h = norm1.forward(conv1.forward(h).leaky_relu_(slope));
        h = norm2.forward(conv2.forward(h).leaky_relu_(slope));
        h = norm3.forward(conv3.forward(h).leaky_relu_(slope));
        return conv4.forward(h).reshape(rows, 1).MoveToOuterDisposeScope();
    }
}
