using Gatsbi.Metrics;
using Gatsbi.Randomness;

namespace Gatsbi.Tests.Metrics;

public sealed class KFoldTests
{
    [Theory]
    [InlineData(10, 5)]
    [InlineData(13, 5)]
    [InlineData(14, 5)]
    [InlineData(7, 7)]
    [InlineData(20_000, 5)]
    [InlineData(101, 3)]
    public void Test_sets_are_disjoint_cover_everything_and_the_first_n_mod_k_are_larger(int n, int k)
    {
        var folds = KFold.Split(n, k, new Rng(1));
        Assert.Equal(k, folds.Length);
        for (int f = 0; f < k; f++)
            Assert.Equal(n / k + (f < n % k ? 1 : 0), folds[f].Test.Length);
        var allTest = folds.SelectMany(s => s.Test).ToArray();
        Assert.Equal(n, allTest.Length);
        Assert.Equal(Enumerable.Range(0, n), allTest.Order());
        foreach (var (train, test) in folds)
        {
            Assert.Equal(n, train.Length + test.Length);
            Assert.Empty(train.Intersect(test));
            Assert.Equal(train.Order(), train);
            Assert.Equal(test.Order(), test);
        }
    }

    [Fact]
    public void Folds_are_shuffled_and_depend_on_the_seed()
    {
        var a = KFold.Split(100, 5, new Rng(1));
        var b = KFold.Split(100, 5, new Rng(2));
        // Without a shuffle fold 0 would be 0..19.
        Assert.NotEqual(Enumerable.Range(0, 20), a[0].Test);
        Assert.NotEqual(a[0].Test, b[0].Test);
        Assert.Equal(a[0].Test, KFold.Split(100, 5, new Rng(1))[0].Test);
    }

    [Fact]
    public void Fewer_rows_than_folds_is_an_error()
    {
        Assert.Contains("4 rows into 5 folds", Assert.Throws<ArgumentException>(() => KFold.Split(4, 5, new Rng(1))).Message);
    }
}
