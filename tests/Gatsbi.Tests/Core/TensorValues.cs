using static TorchSharp.torch;

namespace Gatsbi.Tests.Core;

/// <summary>Tensor contents as plain arrays, for exact comparisons in asserts.</summary>
public static class TensorValues
{
    public static float[] Floats(Tensor t)
    {
        using var c = t.detach().to_type(ScalarType.Float32).contiguous();
        return c.data<float>().ToArray();
    }

    /// <summary>Same shape and bit-for-bit the same values.</summary>
    public static bool Identical(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && Floats(a).SequenceEqual(Floats(b));
}
