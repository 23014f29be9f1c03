using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatsbi.Nn.Flows;

/// <summary>
/// The conditioner of a spline coupling layer (nflows' ResidualNet with context): a linear layer on
/// [inputs, context], residual blocks h ← h + L₂(ReLU(L₁(ReLU(h)))) ⊙ σ(L_c(context)), and a linear output.
/// The context gate lets the observation modulate every block. Each block's last layer starts near zero
/// (U(−1e-3, 1e-3)), so a fresh network is close to its input layer followed by the output layer.
/// </summary>
public sealed class ResidualNet : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear input;
    private readonly ModuleList<Linear> first;
    private readonly ModuleList<Linear> second;
    private readonly ModuleList<Linear> gates;
    private readonly Linear output;

    /// <summary>A conditioner mapping [inputs, context] to <paramref name="outputFeatures"/> values.</summary>
    /// <param name="inputFeatures">Width of the inputs; may be 0, in which case only the context is read.</param>
    /// <param name="contextFeatures">Width of the context.</param>
    /// <param name="outputFeatures">Width of the output (the spline parameters).</param>
    /// <param name="hiddenFeatures">Width of the hidden layers.</param>
    /// <param name="blocks">Residual blocks; may be 0.</param>
    public ResidualNet(int inputFeatures, int contextFeatures, int outputFeatures, int hiddenFeatures, int blocks) : base(nameof(ResidualNet))
    {
        input = nn.Linear(inputFeatures + contextFeatures, hiddenFeatures);
        first = new ModuleList<Linear>();
        second = new ModuleList<Linear>();
        gates = new ModuleList<Linear>();
        for (int b = 0; b < blocks; b++)
        {
            first.Add(nn.Linear(hiddenFeatures, hiddenFeatures));
            var last = nn.Linear(hiddenFeatures, hiddenFeatures);
            using (no_grad())
            {
                nn.init.uniform_(last.weight, -1e-3, 1e-3);
                nn.init.uniform_(last.bias, -1e-3, 1e-3);
            }
            second.Add(last);
            gates.Add(nn.Linear(contextFeatures, hiddenFeatures));
        }
        output = nn.Linear(hiddenFeatures, outputFeatures);
        HiddenFeatures = hiddenFeatures;
        RegisterComponents();
    }

    /// <summary>Width of the hidden layers.</summary>
    public int HiddenFeatures { get; }

    /// <summary>The conditioner's output for <paramref name="inputs"/> (n × inputFeatures) and <paramref name="context"/> (n × contextFeatures): n × outputFeatures.</summary>
    public override Tensor forward(Tensor inputs, Tensor context)
    {
        var h = input.forward(inputs.shape[1] == 0 ? context : cat([inputs, context], 1));
        for (int b = 0; b < first.Count; b++)
        {
            var g = second[b].forward(first[b].forward(h.relu()).relu());
            h = h.Plus(g.mul(gates[b].forward(context).sigmoid()));
        }
        return output.forward(h);
    }
}
