using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatsbi.Nn.Flows;

/// <summary>
/// A masked affine autoregressive layer (MAF; Papamakarios, Pavlakou, Murray 2017): a MADE network computes,
/// for coordinate i, a scale and a shift from coordinates 1..i−1 and the context, and z_i = scale_i · u_i +
/// shift_i with scale = softplus(·) + 1e-3. The forward (density) direction is one network pass; the inverse
/// (sampling) needs one pass per coordinate. Masks follow nflows' MADE (input degrees 1..D, hidden degrees
/// cycling over 1..D−1, tanh, two blocks). Unlike nflows, the context also feeds the output layer directly:
/// in nflows the first coordinate's scale and shift are plain biases, so a conditional MAF could not move that
/// coordinate with the observation in that layer. There is no batch normalisation (sbi dropped it in 0.18).
/// </summary>
public sealed class MaskedAffineAutoregressive : FlowTransform
{
    private const double MinScale = 1e-3;
    private readonly Linear input;
    private readonly Linear context_input;
    private readonly ModuleList<Linear> hidden;
    private readonly Linear output;
    private readonly Linear context_output;
    private readonly Tensor input_mask;
    private readonly Tensor hidden_mask;
    private readonly Tensor output_mask;
    private readonly int _features;

    /// <summary>A MADE layer with the context fed to its input and output layers.</summary>
    /// <param name="features">D, the number of coordinates transformed.</param>
    /// <param name="contextFeatures">Width of the context (the standardised x).</param>
    /// <param name="hiddenFeatures">Width of the masked hidden layers.</param>
    /// <param name="blocks">Masked hidden-to-hidden layers after the input layer.</param>
    public MaskedAffineAutoregressive(int features, int contextFeatures, int hiddenFeatures, int blocks) : base(nameof(MaskedAffineAutoregressive))
    {
        _features = features;
        int[] inDegrees = [.. Enumerable.Range(1, features)];
        int cycle = Math.Max(1, features - 1), offset = Math.Min(1, features - 1);
        int[] hiddenDegrees = [.. Enumerable.Range(0, hiddenFeatures).Select(k => k % cycle + offset)];
        // Output rows 0..D−1 are the scales, D..2D−1 the shifts; row i (or D + i) has the degree of input i.
        int[] outDegrees = [.. inDegrees, .. inDegrees];
        input_mask = Mask(hiddenDegrees, inDegrees, strict: false);
        hidden_mask = Mask(hiddenDegrees, hiddenDegrees, strict: false);
        output_mask = Mask(outDegrees, hiddenDegrees, strict: true);
        input = nn.Linear(features, hiddenFeatures);
        context_input = nn.Linear(contextFeatures, hiddenFeatures);
        hidden = new ModuleList<Linear>();
        for (int b = 0; b < blocks; b++) hidden.Add(nn.Linear(hiddenFeatures, hiddenFeatures));
        output = nn.Linear(hiddenFeatures, 2 * features);
        context_output = nn.Linear(contextFeatures, 2 * features);
        RegisterComponents();
    }

    /// <summary>A connection from unit j to unit i is allowed when degree_i ≥ degree_j (&gt; for outputs).</summary>
    private static Tensor Mask(int[] outDegrees, int[] inDegrees, bool strict)
    {
        var mask = new float[outDegrees.Length * inDegrees.Length];
        for (int i = 0; i < outDegrees.Length; i++)
            for (int j = 0; j < inDegrees.Length; j++)
                mask[i * inDegrees.Length + j] = (strict ? outDegrees[i] > inDegrees[j] : outDegrees[i] >= inDegrees[j]) ? 1f : 0f;
        return tensor(mask, [outDegrees.Length, inDegrees.Length]);
    }

    private static Tensor Masked(Linear layer, Tensor mask, Tensor h) =>
        nn.functional.linear(h, layer.weight!.mul(mask), layer.bias);

    private (Tensor Scale, Tensor Shift) Parameters(Tensor u, Tensor context)
    {
        var h = Masked(input, input_mask, u).PlusInPlace(context_input.forward(context).tanh());
        foreach (var layer in hidden) h = Masked(layer, hidden_mask, h).tanh();
        var o = Masked(output, output_mask, h).PlusInPlace(context_output.forward(context));
        var scale = nn.functional.softplus(o.narrow(1, 0, _features)).PlusInPlace(MinScale);
        return (scale, o.narrow(1, _features, _features));
    }

    /// <inheritdoc/>
    public override (Tensor Output, Tensor LogAbsDet) Forward(Tensor input, Tensor context)
    {
        var (scale, shift) = Parameters(input, context);
        return (input.mul(scale).PlusInPlace(shift), scale.log().sum(1));
    }

    /// <inheritdoc/>
    public override (Tensor Output, Tensor LogAbsDet) Inverse(Tensor input, Tensor context)
    {
        // Coordinate i depends only on coordinates before it, so after pass i coordinates 0..i are final.
        var u = zeros_like(input);
        Tensor scale = ones_like(input);
        for (int i = 0; i < _features; i++)
        {
            (scale, var shift) = Parameters(u, context);
            u = input.Minus(shift).div(scale);
        }
        return (u, scale.log().sum(1).neg());
    }
}

/// <summary>A fixed permutation of the coordinates (log-det 0), so that successive autoregressive layers use different orders.</summary>
public sealed class Permutation : FlowTransform
{
    private readonly Tensor forward_order;
    private readonly Tensor inverse_order;

    /// <summary>The permutation that puts input coordinate <c>order[i]</c> at output position i.</summary>
    /// <param name="order">A permutation of 0..D−1.</param>
    /// <exception cref="ArgumentException"><paramref name="order"/> is not a permutation of 0..D−1.</exception>
    public Permutation(IReadOnlyList<int> order) : base(nameof(Permutation))
    {
        if (!order.Order().SequenceEqual(Enumerable.Range(0, order.Count)))
            throw new ArgumentException($"({string.Join(", ", order)}) is not a permutation of 0..{order.Count - 1}.");
        forward_order = tensor(order.Select(i => (long)i).ToArray(), ScalarType.Int64);
        var inverse = new long[order.Count];
        for (int i = 0; i < order.Count; i++) inverse[order[i]] = i;
        inverse_order = tensor(inverse, ScalarType.Int64);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override (Tensor Output, Tensor LogAbsDet) Forward(Tensor input, Tensor context) =>
        (input.index_select(1, forward_order), zeros(input.shape[0]));

    /// <inheritdoc/>
    public override (Tensor Output, Tensor LogAbsDet) Inverse(Tensor input, Tensor context) =>
        (input.index_select(1, inverse_order), zeros(input.shape[0]));
}
