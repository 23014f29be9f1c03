using Gatsbi.Nn.Flows;
using Gatsbi.Tests.Core;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Gatsbi.Tests.Nn;

/// <summary>
/// The conditional flows on their own: exact invertibility, log-determinants against finite-difference
/// Jacobians, normalisation on a grid, and the properties of a freshly built NSF that sbi's code implies.
/// Flows are tested with their weights perturbed away from initialisation, where the LU layers are the
/// identity and the splines nearly linear, so that every branch of the maths is exercised.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class FlowTests(ITestOutputHelper output) : TorchTest
{
    private static ConditionalFlow Perturbed(FlowKind kind, int parameters, int data, ulong seed, double scale = 0.15)
    {
        manual_seed((long)seed);
        var flow = new ConditionalFlow(parameters, data, new FlowSpec(kind, Transforms: 3, HiddenFeatures: 16));
        using var _ = no_grad();
        foreach (var p in flow.parameters()) p.add_(randn_like(p).mul_(scale));
        return flow;
    }

    /// <summary>Rows spread over ±6, so that some coordinates fall in the linear tails beyond the bound 3.</summary>
    private static (Tensor Theta, Tensor X) Inputs(int rows, int parameters, int data, long seed)
    {
        using var generator = new torch.Generator((ulong)seed);
        return (randn([rows, parameters], generator: generator).mul_(2.5), randn([rows, data], generator: generator));
    }

    [Theory]
    [InlineData(FlowKind.Nsf, 2)]
    [InlineData(FlowKind.Nsf, 5)]
    [InlineData(FlowKind.Maf, 2)]
    [InlineData(FlowKind.Maf, 5)]
    public void Inverse_undoes_forward_and_log_determinants_cancel(FlowKind kind, int dimension)
    {
        using var flow = Perturbed(kind, dimension, 3, seed: 11);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (theta, x) = Inputs(500, dimension, 3, 5);
        var (z, forwardLogDet) = flow.Forward(theta, x);
        var back = flow.Inverse(z, x);
        output.WriteLine($"log-det range [{forwardLogDet.min().item<float>()}, {forwardLogDet.max().item<float>()}]");
        double error = (back - theta).abs().max().item<float>();
        Assert.True(error < 1e-4, $"max |T⁻¹(T(θ)) − θ| = {error}");
        // Outside [−3, 3] the spline is the identity: a sizeable share of the coordinates tested the tails.
        Assert.True(theta.abs().gt(3).to_type(ScalarType.Float32).mean().item<float>() > 0.1);
        Assert.True(forwardLogDet.abs().max().item<float>() > 0.1, "the perturbed flow should not be volume-preserving");
    }

    [Fact]
    public void Spline_inverse_log_determinant_is_minus_the_forward_one()
    {
        using var scope = NewDisposeScope();
        using var generator = new torch.Generator(3);
        // In double: with random knots some bins are nearly flat, and inverting those in float32 loses digits.
        var u = randn([400, 3], ScalarType.Float64, generator: generator).mul_(2);
        var widths = randn([400, 3, 10], ScalarType.Float64, generator: generator);
        var heights = randn([400, 3, 10], ScalarType.Float64, generator: generator);
        var derivatives = randn([400, 3, 9], ScalarType.Float64, generator: generator);
        var (y, forward) = RationalQuadraticSpline.Apply(u, widths, heights, derivatives, 3, inverse: false);
        var (back, inverse) = RationalQuadraticSpline.Apply(y, widths, heights, derivatives, 3, inverse: true);
        Assert.True((back - u).abs().max().item<double>() < 1e-9);
        Assert.True((forward + inverse).abs().max().item<double>() < 1e-9);
        Assert.True(forward.abs().max().item<double>() > 1, "random knots should give a clearly non-linear spline");
        // The spline maps [−3, 3] onto itself and is monotone.
        var inside = u.abs().le(3);
        Assert.True(y.masked_select(inside).abs().max().item<double>() <= 3 + 1e-9);
    }

    [Theory]
    [InlineData(FlowKind.Nsf)]
    [InlineData(FlowKind.Maf)]
    public void Log_determinant_matches_a_finite_difference_Jacobian(FlowKind kind)
    {
        const int d = 4;
        using var flow = Perturbed(kind, d, 2, seed: 21);
        flow.to(ScalarType.Float64);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (theta32, x32) = Inputs(8, d, 2, 9);
        var theta = theta32.to_type(ScalarType.Float64);
        var x = x32.to_type(ScalarType.Float64);
        var logDet = flow.Forward(theta, x).LogAbsDet.data<double>().ToArray();
        const double h = 1e-6;
        for (int row = 0; row < 8; row++)
        {
            var jacobian = new double[d, d];
            for (int j = 0; j < d; j++)
            {
                var plus = theta.narrow(0, row, 1).clone();
                var minus = plus.clone();
                plus[0, j] += h;
                minus[0, j] -= h;
                var zPlus = flow.Forward(plus, x.narrow(0, row, 1)).Z.data<double>().ToArray();
                var zMinus = flow.Forward(minus, x.narrow(0, row, 1)).Z.data<double>().ToArray();
                for (int i = 0; i < d; i++) jacobian[i, j] = (zPlus[i] - zMinus[i]) / (2 * h);
            }
            double numeric = LogAbsDeterminant(jacobian);
            Assert.True(Math.Abs(numeric - logDet[row]) < 1e-5, $"row {row}: finite differences {numeric}, flow {logDet[row]}");
        }
    }

    /// <summary>The density of a perturbed 2-D flow, summed over a fine grid that holds all but a negligible part of its mass.</summary>
    [Theory]
    [InlineData(FlowKind.Nsf)]
    [InlineData(FlowKind.Maf)]
    public void Density_integrates_to_one_on_a_grid(FlowKind kind)
    {
        using var flow = Perturbed(kind, 2, 1, seed: 31);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        // Where is the mass? Sample, then cover the samples' range with a margin.
        var observation = tensor(new[] { 0.7f }).unsqueeze(0);
        using var generator = new torch.Generator(4);
        var samples = flow.Sample(observation.expand(20_000, 1), generator);
        float low = Math.Min(samples.min().item<float>(), -3) - 3, high = Math.Max(samples.max().item<float>(), 3) + 3;
        const int n = 600;
        double step = (high - low) / n;
        var axis = linspace(low + step / 2, high - step / 2, n);
        var grid = stack([axis.repeat_interleave(n), axis.repeat(n)], 1);
        var density = flow.LogProb(grid, observation.expand(n * n, 1)).exp().to_type(ScalarType.Float64).sum().item<double>() * step * step;
        Assert.True(Math.Abs(density - 1) < 5e-3, $"∫ q = {density} over [{low}, {high}]²");
    }

    [Fact]
    public void A_fresh_spline_flow_has_identity_LU_layers()
    {
        manual_seed(1);
        using var flow = new ConditionalFlow(3, 2, new FlowSpec());
        using var scope = NewDisposeScope();
        var lu = flow.modules().OfType<LuLinear>().ToList();
        Assert.Equal(5, lu.Count);
        Assert.Equal(5, flow.modules().OfType<SplineCoupling>().Count());
        foreach (var layer in lu)
        {
            var weight = layer.Weight();
            Assert.True((weight - eye(3)).abs().max().item<float>() < 1e-6);
            var (output, logDet) = layer.Forward(ones(2, 3), zeros(2, 2));
            Assert.True((output - ones(2, 3)).abs().max().item<float>() < 1e-6);
            Assert.True(logDet.abs().max().item<float>() < 1e-6);
        }
    }

    /// <summary>log |det A| by Gaussian elimination with partial pivoting.</summary>
    private static double LogAbsDeterminant(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        double sum = 0;
        for (int k = 0; k < n; k++)
        {
            int pivot = k;
            for (int i = k + 1; i < n; i++) if (Math.Abs(a[i, k]) > Math.Abs(a[pivot, k])) pivot = i;
            for (int j = 0; j < n; j++) (a[k, j], a[pivot, j]) = (a[pivot, j], a[k, j]);
            sum += Math.Log(Math.Abs(a[k, k]));
            for (int i = k + 1; i < n; i++)
            {
                double f = a[i, k] / a[k, k];
                for (int j = k; j < n; j++) a[i, j] -= f * a[k, j];
            }
        }
        return sum;
    }
}
