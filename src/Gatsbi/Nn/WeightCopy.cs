using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatsbi.Nn;

/// <summary>
/// A detached copy of a set of parameters (or of any tensors, such as buffers): the exponential moving
/// average of a generator's weights, the best checkpoint seen so far, or the committed state of an unrolled
/// discriminator. Every operation runs without autograd and in place. The copy owns its tensors and frees them
/// on <see cref="Dispose"/>. Every method expects the same tensors, in the same order and shapes, as the constructor got.
/// </summary>
public sealed class WeightCopy : IDisposable
{
    private readonly Tensor[] _values;

    /// <summary>A copy of the current values of <paramref name="parameters"/>, outside any dispose scope.</summary>
    public WeightCopy(IReadOnlyList<Tensor> parameters)
    {
        using var _ = no_grad();
        // Detached from any enclosing dispose scope: the copy lives as long as this object.
        _values = parameters.Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
    }

    /// <summary>copy ← decay · copy + (1 − decay) · parameters.</summary>
    public void Average(IReadOnlyList<Tensor> parameters, double decay)
    {
        using var _ = no_grad();
        Scalar keep = TorchScalars.Of(decay), take = TorchScalars.Of(1 - decay);
        for (int i = 0; i < _values.Length; i++) _values[i].mul_(keep).add_(parameters[i], take);
    }

    /// <summary>copy ← parameters.</summary>
    public void CopyFrom(IReadOnlyList<Tensor> parameters)
    {
        using var _ = no_grad();
        for (int i = 0; i < _values.Length; i++) _values[i].copy_(parameters[i]);
    }

    /// <summary>parameters ← copy.</summary>
    public void CopyTo(IReadOnlyList<Tensor> parameters)
    {
        using var _ = no_grad();
        for (int i = 0; i < _values.Length; i++) parameters[i].copy_(_values[i]);
    }

    /// <summary>Exchanges the copy with the parameters (to evaluate the averaged weights, then swap back).</summary>
    public void Swap(IReadOnlyList<Tensor> parameters)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (int i = 0; i < _values.Length; i++)
        {
            var held = _values[i].clone();
            _values[i].copy_(parameters[i]);
            parameters[i].copy_(held);
        }
    }

    /// <summary>Frees the copied tensors.</summary>
    public void Dispose()
    {
        foreach (var v in _values) v.Dispose();
    }
}
