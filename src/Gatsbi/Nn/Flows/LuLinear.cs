using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatsbi.Nn.Flows;

/// <summary>
/// An invertible linear layer z = L U u + b in LU form (nflows' LULinear): L unit lower-triangular, U
/// upper-triangular with diagonal softplus(·) + 1e-3 so it stays invertible, log |det| = Σ log U_jj.
/// It starts as the identity. Between coupling layers it mixes coordinates, which the alternating masks
/// alone would never do.
/// </summary>
public sealed class LuLinear : FlowTransform
{
    private const double MinDiagonal = 1e-3;
    private readonly Parameter lower;
    private readonly Parameter upper;
    private readonly Parameter diagonal;
    private readonly Parameter bias;
    private readonly Tensor eye;

    /// <summary>An identity-initialised LU layer on <paramref name="features"/> coordinates.</summary>
    /// <param name="features">The number of coordinates it mixes.</param>
    public LuLinear(int features) : base(nameof(LuLinear))
    {
        lower = nn.Parameter(zeros(features, features));
        upper = nn.Parameter(zeros(features, features));
        diagonal = nn.Parameter(full(features, TorchScalars.Of(Math.Log(Math.Exp(1 - MinDiagonal) - 1))));
        bias = nn.Parameter(zeros(features));
        eye = torch.eye(features);
        RegisterComponents();
    }

    private Tensor UpperDiagonal => nn.functional.softplus(diagonal).PlusInPlace(MinDiagonal);

    private (Tensor L, Tensor U) Factors() =>
        (lower.tril(-1).PlusInPlace(eye), upper.triu(1).PlusInPlace(diag(UpperDiagonal)));

    /// <summary>The matrix W = L U.</summary>
    public Tensor Weight()
    {
        var (l, u) = Factors();
        return l.matmul(u);
    }

    /// <inheritdoc/>
    public override (Tensor Output, Tensor LogAbsDet) Forward(Tensor input, Tensor context)
    {
        var output = input.matmul(Weight().t()).PlusInPlace(bias);
        return (output, UpperDiagonal.log().sum().expand(input.shape[0]));
    }

    /// <inheritdoc/>
    public override (Tensor Output, Tensor LogAbsDet) Inverse(Tensor input, Tensor context)
    {
        var (l, u) = Factors();
        // Solve L U v = (z − b)ᵀ column by column with two triangular solves.
        var rhs = input.Minus(bias).t();
        var y = linalg.solve_triangular(l, rhs, upper: false, unitriangular: true);
        var v = linalg.solve_triangular(u, y, upper: true);
        return (v.t(), UpperDiagonal.log().sum().neg().expand(input.shape[0]));
    }
}
