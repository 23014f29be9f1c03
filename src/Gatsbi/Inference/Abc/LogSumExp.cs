namespace Gatsbi.Inference.Abc;

/// <summary>
/// log Σ exp(tᵢ) accumulated one term at a time without overflow or underflow: the sum is kept relative to
/// the largest term so far and rescaled when a larger one arrives. Terms of −∞ (zero weights) add nothing.
/// </summary>
internal struct LogSumExp
{
    private double _max;
    private double _scaledSum;

    public LogSumExp()
    {
        _max = double.NegativeInfinity;
        _scaledSum = 0;
    }

    public void Add(double term)
    {
        if (double.IsNegativeInfinity(term)) return;
        if (term <= _max)
        {
            _scaledSum += Math.Exp(term - _max);
            return;
        }
        _scaledSum = _scaledSum * Math.Exp(_max - term) + 1;
        _max = term;
    }

    /// <summary>The log of the sum; −∞ when no finite term was added.</summary>
    public readonly double Value => double.IsNegativeInfinity(_max) ? double.NegativeInfinity : _max + Math.Log(_scaledSum);
}
