using TorchSharp;
using static TorchSharp.torch;

namespace Gatsbi.Nn;

/// <summary>
/// The published MLP discriminator of GATSBI (<see cref="DiscriminatorSpec"/>) on [θ, x], returning logits.
/// </summary>
public sealed class Discriminator : DiscriminatorNetwork
{
    private readonly nn.Module<Tensor, Tensor>[] _linears;
    private readonly Standardization x_norm;
    private readonly Standardization theta_norm;
    private readonly double _slope;
    private readonly double _gain;

    /// <summary>
    /// A fresh discriminator with PyTorch's default initialisation, drawn from libtorch's global generator.
    /// </summary>
    /// <param name="parameterDimension">d_θ, the width of θ.</param>
    /// <param name="dataDimension">d_x, the width of x.</param>
    /// <param name="spec">The layer widths, spectral normalisation and input gain.</param>
    /// <exception cref="ArgumentException"><paramref name="spec"/> is invalid.</exception>
    public Discriminator(int parameterDimension, int dataDimension, DiscriminatorSpec spec) : base(nameof(Discriminator))
    {
        spec.Validate();
        Spec = spec;
        int[] units = [parameterDimension + dataDimension, .. spec.HiddenUnits, 1];
        _linears = new nn.Module<Tensor, Tensor>[units.Length - 1];
        for (int i = 0; i < _linears.Length; i++)
        {
            _linears[i] = spec.SpectralNorm
                ? new SpectralNormLinear(units[i], units[i + 1])
                : nn.Linear(units[i], units[i + 1]);
            register_module($"linear{i + 1}", _linears[i]);
        }
        x_norm = new Standardization(dataDimension);
        theta_norm = new Standardization(parameterDimension);
        _slope = spec.LeakySlope;
        _gain = spec.InputGain;
        RegisterComponents();
    }

    /// <summary>The layer widths and options the discriminator was built with.</summary>
    public DiscriminatorSpec Spec { get; }

    /// <inheritdoc/>
    public override Standardization XNorm => x_norm;

    /// <inheritdoc/>
    public override Standardization ThetaNorm => theta_norm;

    /// <summary>Logits of shape (rows, 1) for θ (rows × d_θ) and x (rows × d_x); a new tensor owned by the caller.</summary>
    public override Tensor forward(Tensor theta, Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = cat([theta_norm.forward(theta), x_norm.forward(x)], 1);
        if (_gain != 1) h = h.mul_(TorchScalars.Of(_gain));
        for (int i = 0; i < _linears.Length; i++)
        {
            h = _linears[i].forward(h);
            if (i < _linears.Length - 1) h = h.leaky_relu(TorchScalars.Of(_slope));
        }
        return h.MoveToOuterDisposeScope();
    }
}
