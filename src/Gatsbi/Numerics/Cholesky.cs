namespace Gatsbi.Numerics;

/// <summary>Cholesky factorisation of small symmetric positive-definite matrices, in double.</summary>
public static class Cholesky
{
    /// <summary>Lower-triangular L with L·Lᵀ = <paramref name="a"/>; throws when the matrix is not positive definite.</summary>
    public static double[,] Factor(double[,] a)
    {
        int n = a.GetLength(0);
        if (a.GetLength(1) != n) throw new ArgumentException($"Cholesky needs a square matrix; got {n}×{a.GetLength(1)}.");
        var l = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double sum = a[i, j];
                for (int k = 0; k < j; k++) sum -= l[i, k] * l[j, k];
                if (i == j)
                {
                    if (!(sum > 0)) throw new ArgumentException($"Matrix is not positive definite (pivot {i} is {sum}).");
                    l[i, i] = Math.Sqrt(sum);
                }
                else l[i, j] = sum / l[j, j];
            }
        return l;
    }

    /// <summary>The inverse of a symmetric positive-definite matrix, through its Cholesky factor.</summary>
    public static double[,] Inverse(double[,] a)
    {
        int n = a.GetLength(0);
        var l = Factor(a);
        var inverse = new double[n, n];
        var column = new double[n];
        for (int c = 0; c < n; c++)
        {
            Array.Clear(column);
            column[c] = 1;
            Solve(l, column);
            for (int r = 0; r < n; r++) inverse[r, c] = column[r];
        }
        return inverse;
    }

    /// <summary>Solves L·Lᵀ·y = b in place, given the factor L.</summary>
    public static void Solve(double[,] l, Span<double> b)
    {
        int n = b.Length;
        for (int i = 0; i < n; i++)
        {
            double sum = b[i];
            for (int k = 0; k < i; k++) sum -= l[i, k] * b[k];
            b[i] = sum / l[i, i];
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double sum = b[i];
            for (int k = i + 1; k < n; k++) sum -= l[k, i] * b[k];
            b[i] = sum / l[i, i];
        }
    }

    /// <summary>
    /// |L⁻¹·v|², by forward substitution into <paramref name="v"/> (overwritten): the squared Mahalanobis length of
    /// v under the covariance L·Lᵀ, which every Gaussian-family density needs.
    /// </summary>
    public static double SquaredWhitenedNorm(double[,] l, Span<double> v)
    {
        double squared = 0;
        for (int i = 0; i < v.Length; i++)
        {
            double sum = v[i];
            for (int k = 0; k < i; k++) sum -= l[i, k] * v[k];
            v[i] = sum / l[i, i];
            squared += v[i] * v[i];
        }
        return squared;
    }
}
