using static TorchSharp.torch;

namespace Gatsbi.Nn.Flows;

/// <summary>
/// One invertible, conditional step of a normalizing flow. As in nflows, the forward direction maps data to
/// noise; both directions return the log absolute determinant of their own Jacobian, one value per row.
/// </summary>
public abstract class FlowTransform(string name) : nn.Module(name)
{
    /// <summary>z = T(u; context) and log |det ∂z/∂u| per row.</summary>
    public abstract (Tensor Output, Tensor LogAbsDet) Forward(Tensor input, Tensor context);

    /// <summary>u = T⁻¹(z; context) and log |det ∂u/∂z| per row (minus the forward value at u).</summary>
    public abstract (Tensor Output, Tensor LogAbsDet) Inverse(Tensor input, Tensor context);
}
