using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatsbi.Nn;

/// <summary>
/// Adam (Kingma and Ba 2015) with PyTorch's update rule (<c>torch.optim.Adam</c> without weight decay or
/// AMSGrad). One step counter serves all parameters, which matches PyTorch when every parameter receives a
/// gradient at every step, as in GATSBI training.
/// TorchSharp's own Adam is written with implicit scalar conversions (see <see cref="TorchScalars"/> for why
/// that is unsafe in long loops); this one keeps every scalar alive for the duration of its native call.
/// The optimiser owns its moment tensors (two per parameter) and frees them on <see cref="Dispose"/>; the
/// parameters stay the caller's.
/// </summary>
public sealed class AdamOptimizer : IDisposable
{
    private readonly Parameter[] _parameters;
    private readonly Tensor[] _m, _v;
    private readonly double _beta1, _beta2, _eps;
    private long _step;

    /// <summary>An optimiser for <paramref name="parameters"/> with zeroed moments.</summary>
    /// <param name="parameters">The parameters it updates in place.</param>
    /// <param name="learningRate">The step size α; can be changed between steps through <see cref="LearningRate"/>.</param>
    /// <param name="beta1">Decay of the first-moment average, in [0, 1).</param>
    /// <param name="beta2">Decay of the second-moment average, in [0, 1).</param>
    /// <param name="eps">Added to the bias-corrected √v in the denominator; 10⁻⁸ as PyTorch.</param>
    public AdamOptimizer(IEnumerable<Parameter> parameters, double learningRate, double beta1, double beta2, double eps = 1e-8)
    {
        _parameters = [.. parameters];
        _m = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _v = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        LearningRate = learningRate;
        _beta1 = beta1;
        _beta2 = beta2;
        _eps = eps;
    }

    /// <summary>The step size α of the next <see cref="Step"/>; a schedule may set it before each step.</summary>
    public double LearningRate { get; set; }

    /// <summary>Zeroes the gradients of the parameters that have one (in place, as PyTorch's <c>zero_grad(set_to_none=False)</c>).</summary>
    public void ZeroGrad()
    {
        using var scope = NewDisposeScope();
        foreach (var p in _parameters) p.grad?.zero_();
    }

    /// <summary>
    /// One Adam update of every parameter from its current gradient; parameters without a gradient are skipped
    /// (the shared step counter still advances).
    /// </summary>
    public void Step()
    {
        _step++;
        double correction1 = 1 - Math.Pow(_beta1, _step);
        double correction2 = 1 - Math.Pow(_beta2, _step);
        using var stepSize = (-LearningRate / correction1).ToScalar();
        using var secondMomentScale = (1 / Math.Sqrt(correction2)).ToScalar();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int i = 0; i < _parameters.Length; i++)
        {
            var grad = _parameters[i].grad;
            if (grad is null) continue;
            _m[i].mul_(TorchScalars.Of(_beta1)).add_(grad, alpha: TorchScalars.Of(1 - _beta1));
            _v[i].mul_(TorchScalars.Of(_beta2)).addcmul_(grad, grad, value: TorchScalars.Of(1 - _beta2));
            var denominator = _v[i].sqrt().mul_(secondMomentScale).PlusInPlace(_eps);
            _parameters[i].addcdiv_(_m[i], denominator, value: stepSize);
        }
    }

    /// <summary>Frees the moment tensors; the parameters are not touched.</summary>
    public void Dispose()
    {
        foreach (var t in _m) t.Dispose();
        foreach (var t in _v) t.Dispose();
    }
}
