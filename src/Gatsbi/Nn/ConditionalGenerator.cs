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

    public GeneratorSpec Spec { get; }
    public override int DataDimension { get; }
    public override int ParameterDimension { get; }
    public override int LatentDimension => (int)noise.LatentDimension;
    public AddNoise Noise => noise;
    public override Standardization XNorm => x_norm;
    public override Standardization ThetaNorm => theta_norm;
    public override SupportTransform? SupportTransform => support_transform;

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
