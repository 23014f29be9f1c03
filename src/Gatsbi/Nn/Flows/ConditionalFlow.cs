using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatsbi.Nn.Flows;

/// <summary>
/// A conditional density q(θ | x) as a normalizing flow: θ is standardised per dimension (its log-Jacobian
/// counts in the density), pushed through the transforms of <see cref="FlowSpec"/> conditioned on the
/// standardised x, and scored under N(0, I). Sampling runs the inverses in reverse order. The standardisation
/// buffers are identity until <see cref="FitStandardization"/> is called, and are saved with the weights.
/// Tensors are rows × columns (batch first); every returned tensor is new and belongs to the caller (or to the
/// enclosing dispose scope), and the module's own parameters and buffers are freed by <c>Dispose</c>.
/// </summary>
public sealed class ConditionalFlow : nn.Module
{
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);
    private readonly Standardization theta_norm;
    private readonly Standardization x_norm;
    private readonly ModuleList<FlowTransform> transforms;

    /// <summary>
    /// A fresh flow; its weights are drawn from libtorch's global generator, so seed that first
    /// (<c>torch.manual_seed</c>) for a reproducible initialisation.
    /// </summary>
    /// <param name="parameterDimension">d_θ, the number of columns of θ; at least 1.</param>
    /// <param name="dataDimension">d_x, the number of columns of x; at least 1.</param>
    /// <param name="spec">The flow's family and sizes.</param>
    /// <exception cref="ArgumentException">A dimension is below 1 or <paramref name="spec"/> is invalid.</exception>
    public ConditionalFlow(int parameterDimension, int dataDimension, FlowSpec spec) : base(nameof(ConditionalFlow))
    {
        spec.Validate();
        if (parameterDimension < 1) throw new ArgumentException($"The parameter dimension must be positive; got {parameterDimension}.");
        if (dataDimension < 1) throw new ArgumentException($"The data dimension must be positive; got {dataDimension}.");
        Spec = spec;
        ParameterDimension = parameterDimension;
        DataDimension = dataDimension;
        theta_norm = new Standardization(parameterDimension);
        x_norm = new Standardization(dataDimension);
        transforms = new ModuleList<FlowTransform>();
        for (int i = 0; i < spec.Transforms; i++)
        {
            if (spec.Kind == FlowKind.Nsf)
            {
                transforms.Add(new SplineCoupling(parameterDimension, dataDimension, evenParity: i % 2 == 0, spec.Bins, spec.TailBound, spec.HiddenFeatures, spec.Blocks));
                transforms.Add(new LuLinear(parameterDimension));
            }
            else
            {
                transforms.Add(new MaskedAffineAutoregressive(parameterDimension, dataDimension, spec.HiddenFeatures, spec.Blocks));
                if (i < spec.Transforms - 1) transforms.Add(new Permutation([.. Enumerable.Range(0, parameterDimension).Reverse()]));
            }
        }
        RegisterComponents();
    }

    /// <summary>The family and sizes the flow was built with.</summary>
    public FlowSpec Spec { get; }

    /// <summary>d_θ, the number of columns of θ.</summary>
    public int ParameterDimension { get; }

    /// <summary>d_x, the number of columns of x.</summary>
    public int DataDimension { get; }

    /// <summary>The z-scoring of θ, applied before the transforms (its log-Jacobian is part of the density).</summary>
    public Standardization ThetaNorm => theta_norm;

    /// <summary>The z-scoring of x, applied to the context of every transform.</summary>
    public Standardization XNorm => x_norm;

    /// <summary>Per-dimension z-scoring of θ and x from training data (sbi's z_score_theta / z_score_x).</summary>
    /// <param name="theta">Training θ, n × d_θ.</param>
    /// <param name="x">Training x, n × d_x.</param>
    public void FitStandardization(Tensor theta, Tensor x)
    {
        theta_norm.Fit(theta);
        x_norm.Fit(x);
    }

    /// <summary>z = T(θ; x) and log |det ∂z/∂θ| per row, the standardisation included.</summary>
    /// <param name="theta">n × d_θ.</param>
    /// <param name="x">n × d_x, one row per row of <paramref name="theta"/>.</param>
    /// <returns>Z of shape n × d_θ and LogAbsDet of shape n.</returns>
    public (Tensor Z, Tensor LogAbsDet) Forward(Tensor theta, Tensor x)
    {
        var context = x_norm.forward(x);
        var u = theta_norm.forward(theta);
        var logAbsDet = theta_norm.Std.log().sum().neg().expand(theta.shape[0]);
        foreach (var t in transforms)
        {
            (u, var step) = t.Forward(u, context);
            logAbsDet = logAbsDet.Plus(step);
        }
        return (u, logAbsDet);
    }

    /// <summary>log q(θ | x) per row: a tensor of shape n for θ of n × d_θ and x of n × d_x, in nats, with the gradient graph kept.</summary>
    public Tensor LogProb(Tensor theta, Tensor x)
    {
        var (z, logAbsDet) = Forward(theta, x);
        var baseLogProb = z.square().sum(1).mul(TorchScalars.Of(-0.5)).PlusInPlace(-HalfLogTwoPi * ParameterDimension);
        return baseLogProb.PlusInPlace(logAbsDet);
    }

    /// <summary>θ = T⁻¹(z; x) for given base draws z (n × d_θ), one row of x (n × d_x) per row of z; returns n × d_θ.</summary>
    public Tensor Inverse(Tensor z, Tensor x)
    {
        var context = x_norm.forward(x);
        var u = z;
        for (int i = transforms.Count - 1; i >= 0; i--) u = transforms[i].Inverse(u, context).Output;
        return theta_norm.Inverse(u);
    }

    /// <summary>One sample of q(θ | x_i) per row of <paramref name="x"/> (n × d_x), as an n × d_θ tensor.</summary>
    /// <param name="x">The conditioning data, n × d_x.</param>
    /// <param name="generator">The source of the base draws z ~ N(0, I); the same state gives the same samples.</param>
    public Tensor Sample(Tensor x, Generator generator) =>
        Inverse(randn([x.shape[0], ParameterDimension], generator: generator), x);
}
