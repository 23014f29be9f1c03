using static TorchSharp.torch;

namespace Gatsbi.Nn;

/// <summary>
/// A conditional generator G(x, z) of GATSBI: for a fixed x its outputs are samples of the approximate
/// posterior q(θ | x). Rows of x and θ are flat vectors whatever their meaning (an image, a spectrum); a
/// network that works on images reshapes them itself, so training, sampling and model files treat every
/// architecture alike. <see cref="ConditionalGenerator"/> is the published MLP; <c>Nn.Convolutional</c>
/// has the convolutional networks of the paper's high-dimensional applications.
/// </summary>
public abstract class GeneratorNetwork(string name) : nn.Module<Tensor, Tensor>(name)
{
    /// <summary>d_x, the width of a row of x (flattened for images).</summary>
    public abstract int DataDimension { get; }

    /// <summary>d_θ, the width of a row of θ (flattened for images).</summary>
    public abstract int ParameterDimension { get; }

    /// <summary>Width of the latent z ~ N(0, I) drawn per row.</summary>
    public abstract int LatentDimension { get; }

    /// <summary>The scaling of x inside the network, fitted to the training set when the options ask for it; null when it has none.</summary>
    public virtual Standardization? XNorm => null;

    /// <summary>The scaling of θ inside the network; null when it has none.</summary>
    public virtual Standardization? ThetaNorm => null;

    /// <summary>The map from the network's unbounded output to the support; null when there is none.</summary>
    public virtual SupportTransform? SupportTransform => null;

    /// <summary>
    /// Rows to push through the network at once when many are needed (sampling, hold-out scores), so that its
    /// largest intermediate tensor stays near <see cref="PassMemoryBytes"/>; networks on images override it.
    /// </summary>
    public virtual int RowsPerPass => 65_536;

    /// <summary>The memory one pass of <see cref="RowsPerPass"/> rows may take for its largest activation.</summary>
    public const long PassMemoryBytes = 256L << 20;

    /// <summary>θ = G(x, z) for x of rows × <see cref="DataDimension"/>, with a fresh latent per row from libtorch's global generator.</summary>
    public override Tensor forward(Tensor x) => Forward(x, null);

    /// <summary>
    /// <see cref="ForwardUnbounded"/> in passes of at most <see cref="RowsPerPass"/> rows, for evaluation (no
    /// gradient is kept across passes). In evaluation mode every row is computed on its own, so the result is the
    /// one a single pass would give.
    /// </summary>
    public Tensor ForwardUnboundedInPasses(Tensor x, Tensor z)
    {
        long rows = x.shape[0];
        if (rows <= RowsPerPass) return ForwardUnbounded(x, z);
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        for (long start = 0; start < rows; start += RowsPerPass)
        {
            long take = Math.Min(RowsPerPass, rows - start);
            parts.Add(ForwardUnbounded(x.narrow(0, start, take), z.narrow(0, start, take)));
        }
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    /// <summary>θ = G(x, z); a fresh latent per row is drawn when <paramref name="z"/> is null.</summary>
    /// <param name="x">rows × <see cref="DataDimension"/>.</param>
    /// <param name="z">rows × <see cref="LatentDimension"/>, or null.</param>
    /// <returns>A new rows × <see cref="ParameterDimension"/> tensor, inside the support when there is a <see cref="SupportTransform"/>.</returns>
    public Tensor Forward(Tensor x, Tensor? z)
    {
        if (SupportTransform is not { } transform) return ForwardUnbounded(x, z);
        using var scope = NewDisposeScope();
        return transform.forward(ForwardUnbounded(x, z)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The network's own output: θ itself, or with a <see cref="SupportTransform"/> the unbounded u that it
    /// maps to θ. Training works in this space.
    /// </summary>
    /// <param name="x">rows × <see cref="DataDimension"/>.</param>
    /// <param name="z">rows × <see cref="LatentDimension"/>, or null for a fresh draw from libtorch's global generator.</param>
    /// <returns>A new rows × <see cref="ParameterDimension"/> tensor.</returns>
    public abstract Tensor ForwardUnbounded(Tensor x, Tensor? z);
}

/// <summary>
/// A discriminator D(θ, x) of GATSBI. It returns a logit per row, shape (rows, 1); σ(logit) is the
/// probability that (θ, x) is a real draw from the joint π(θ)p(x | θ). Returning logits (the published
/// networks end in a Sigmoid) keeps the same function and lets the losses apply the sigmoid in one place.
/// </summary>
public abstract class DiscriminatorNetwork(string name) : nn.Module<Tensor, Tensor, Tensor>(name)
{
    /// <summary>The scaling of x inside the network, fitted to the training set when the options ask for it; null when it has none.</summary>
    public virtual Standardization? XNorm => null;

    /// <summary>The scaling of θ inside the network; null when it has none.</summary>
    public virtual Standardization? ThetaNorm => null;
}
