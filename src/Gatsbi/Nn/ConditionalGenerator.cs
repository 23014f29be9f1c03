using TorchSharp;
using static TorchSharp.torch;

namespace Gatsbi.Nn;

/// <summary>
/// The conditional generator G(x, z) of GATSBI: for a fixed x its outputs are samples of the
/// approximate posterior q(θ | x). Inputs and outputs pass through <see cref="Standardization"/> buffers
/// (identity unless fitted), and through a <see cref="SupportTransform"/> when the spec asks for one, so the
/// trained module maps raw x to raw θ.
/// </summary>
public sealed class ConditionalGenerator : GeneratorNetwork
{
    private readonly nn.Module<Tensor, Tensor>[] _linears;
    private readonly AddNoise noise;
    private readonly Standardization x_norm;
    private readonly Standardization theta_norm;
    private readonly SupportTransform? support_transform;
    private readonly double _slope;
    private readonly bool _leakyOutput;
    private readonly int _noiseAfter;

    /// <summary>
    /// A fresh generator with PyTorch's default initialisation, drawn from libtorch's global generator (seed it
    /// first for a reproducible network).
    /// </summary>
    /// <param name="dataDimension">d_x, the width of x.</param>
    /// <param name="parameterDimension">d_θ, the width of θ (and the latent's width unless the spec sets one).</param>
    /// <param name="spec">The layer widths and the noise layer's position.</param>
    /// <exception cref="ArgumentException"><paramref name="spec"/> is invalid.</exception>
    public ConditionalGenerator(int dataDimension, int parameterDimension, GeneratorSpec spec) : base(nameof(ConditionalGenerator))
    {
        spec.Validate();
        Spec = spec;
        int[] units = [dataDimension, .. spec.HiddenUnits, parameterDimension];
        _linears = new nn.Module<Tensor, Tensor>[units.Length - 1];
        for (int i = 0; i < _linears.Length; i++)
        {
            _linears[i] = nn.Linear(units[i], units[i + 1]);
            register_module($"linear{i + 1}", _linears[i]);
        }
        noise = new AddNoise(spec.HiddenUnits[spec.NoiseAfterLayer - 1], spec.LatentDimension ?? parameterDimension, spec.Heteroscedastic);
        x_norm = new Standardization(dataDimension);
        theta_norm = new Standardization(parameterDimension);
        if (spec.MapsToSupport) support_transform = new SupportTransform(parameterDimension);
        _slope = spec.LeakySlope;
        _leakyOutput = spec.LeakyOutput;
        _noiseAfter = spec.NoiseAfterLayer;
        DataDimension = dataDimension;
        ParameterDimension = parameterDimension;
        RegisterComponents();
    }

    /// <summary>The layer widths and options the generator was built with.</summary>
    public GeneratorSpec Spec { get; }

    /// <inheritdoc/>
    public override int DataDimension { get; }

    /// <inheritdoc/>
    public override int ParameterDimension { get; }

    /// <inheritdoc/>
    public override int LatentDimension => (int)noise.LatentDimension;

    /// <summary>The noise-injection layer, the generator's only source of randomness.</summary>
    public AddNoise Noise => noise;

    /// <inheritdoc/>
    public override Standardization XNorm => x_norm;

    /// <inheritdoc/>
    public override Standardization ThetaNorm => theta_norm;

    /// <inheritdoc/>
    public override SupportTransform? SupportTransform => support_transform;

    /// <inheritdoc/>
    public override Tensor ForwardUnbounded(Tensor x, Tensor? z)
    {
        using var scope = NewDisposeScope();
        var h = x_norm.forward(x);
        for (int i = 0; i < _linears.Length; i++)
        {
            h = _linears[i].forward(h);
            if (i + 1 == _noiseAfter) h = noise.Forward(h, z);
            bool last = i == _linears.Length - 1;
            if (!last || _leakyOutput) h = h.leaky_relu(TorchScalars.Of(_slope));
        }
        return theta_norm.Inverse(h).MoveToOuterDisposeScope();
    }
}
