using Gatsbi.Randomness;

namespace Gatsbi.Metrics;

/// <summary>
/// Shuffled k-fold split as scikit-learn's KFold(shuffle=True) makes it: shuffle 0..n−1, cut into k
/// consecutive chunks (the first n mod k one longer), chunk f is fold f's test set; both index lists are
/// returned in ascending order.
/// </summary>
public static class KFold
{
    /// <summary>Splits rows 0..<paramref name="n"/>−1 into <paramref name="folds"/> (train, test) pairs; the shuffle comes from <paramref name="rng"/>.</summary>
    /// <returns>One pair per fold; every row is in exactly one test set.</returns>
    /// <exception cref="ArgumentException"><paramref name="n"/> is smaller than <paramref name="folds"/>.</exception>
    public static (int[] Train, int[] Test)[] Split(int n, int folds, Rng rng)
    {
        if (n < folds) throw new ArgumentException($"Cannot cut {n} rows into {folds} folds.");
        var order = rng.Permutation(n);
        var result = new (int[], int[])[folds];
        int start = 0;
        for (int f = 0; f < folds; f++)
        {
            int size = n / folds + (f < n % folds ? 1 : 0);
            var test = order.AsSpan(start, size).ToArray();
            Array.Sort(test);
            var inTest = new bool[n];
            foreach (int i in test) inTest[i] = true;
            var train = Enumerable.Range(0, n).Where(i => !inTest[i]).ToArray();
            result[f] = (train, test);
            start += size;
        }
        return result;
    }
}
