namespace Gatsbi.Tests.Nn;

/// <summary>Reference linear algebra in double, independent of TorchSharp.</summary>
internal static class LinearAlgebra
{
    /// <summary>Largest singular value of <paramref name="w"/> (rows × cols): √ of the largest eigenvalue of W·Wᵀ, by cyclic Jacobi rotations.</summary>
    public static double LargestSingularValue(double[,] w)
    {
        int m = w.GetLength(0), n = w.GetLength(1);
        var a = new double[m, m];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
                for (int k = 0; k < n; k++)
                    a[i, j] += w[i, k] * w[j, k];
        return Math.Sqrt(SymmetricEigenvalues(a).Max());
    }

    /// <summary>All eigenvalues of a symmetric matrix (cyclic Jacobi; the matrix is copied).</summary>
    public static double[] SymmetricEigenvalues(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++)
                    off += a[p, q] * a[p, q];
            if (off < 1e-30) break;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++)
                {
                    if (Math.Abs(a[p, q]) < 1e-300) continue;
                    double theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k, p], akq = a[k, q];
                        a[k, p] = c * akp - s * akq;
                        a[k, q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p, k], aqk = a[q, k];
                        a[p, k] = c * apk - s * aqk;
                        a[q, k] = s * apk + c * aqk;
                    }
                }
        }
        return Enumerable.Range(0, n).Select(i => a[i, i]).ToArray();
    }
}

public sealed class LinearAlgebraTests
{
    [Fact]
    public void Jacobi_finds_known_eigenvalues()
    {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3; diag(1, 4, 9) as 3×2 … checked through W·Wᵀ.
        Assert.Equal(new[] { 1.0, 3.0 }, LinearAlgebra.SymmetricEigenvalues(new double[,] { { 2, 1 }, { 1, 2 } }).Order().Select(v => Math.Round(v, 12)));
        Assert.Equal(5.0, LinearAlgebra.LargestSingularValue(new double[,] { { 3, 0 }, { 0, 5 }, { 0, 0 } }), 12);
        // [[1, 1], [0, 1]]: σ_max = (1 + √5)/2, the golden ratio.
        Assert.Equal((1 + Math.Sqrt(5)) / 2, LinearAlgebra.LargestSingularValue(new double[,] { { 1, 1 }, { 0, 1 } }), 12);
    }
}
