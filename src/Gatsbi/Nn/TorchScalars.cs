using System.Collections.Concurrent;
using TorchSharp;

namespace Gatsbi.Nn;

/// <summary>
/// Long-lived TorchSharp scalars for the constants of hot loops.
/// TorchSharp's implicit number-to-<see cref="Scalar"/> conversions create native scalars owned only by a
/// finalizer, and TorchSharp passes the raw handle to native code without keeping the wrapper alive. A
/// garbage collection triggered by another thread during that native call can then free the scalar while
/// it is read; we saw this as sporadic "expected false to be true" and wrong-result errors in long loops.
/// Scalars from this cache are never collected, so code in training and metric loops uses them (or a
/// <c>using</c> local) instead of implicit conversions.
/// </summary>
internal static class TorchScalars
{
    private static readonly ConcurrentDictionary<double, Scalar> Cache = new();

    public static Scalar Of(double value) => Cache.GetOrAdd(value, v => v.ToScalar());

    // TorchSharp's add/sub overloads without an explicit alpha pass "alpha: 1" as an implicit scalar, so
    // arithmetic in hot loops goes through these, which name every scalar.
    private static Scalar One => Of(1.0);
    private static Scalar MinusOne => Of(-1.0);

    public static torch.Tensor Plus(this torch.Tensor a, torch.Tensor b) => a.add(b, One);
    public static torch.Tensor Plus(this torch.Tensor a, double value) => a.add(Of(value), One);
    public static torch.Tensor PlusInPlace(this torch.Tensor a, torch.Tensor b) => a.add_(b, One);
    public static torch.Tensor PlusInPlace(this torch.Tensor a, double value) => a.add_(Of(value), One);
    public static torch.Tensor Minus(this torch.Tensor a, torch.Tensor b) => a.add(b, MinusOne);
    public static torch.Tensor MinusInPlace(this torch.Tensor a, torch.Tensor b) => a.add_(b, MinusOne);
}
