using Gatsbi.Plotting;

namespace Gatsbi.Tests.Plotting;

public class TicksTests
{
    [Theory]
    [InlineData(-3, 3, 6, new[] { -3.0, -2, -1, 0, 1, 2, 3 })]
    [InlineData(0.03, 0.97, 5, new[] { 0.2, 0.4, 0.6, 0.8 })]
    [InlineData(0, 10, 4, new[] { 0.0, 2.5, 5, 7.5, 10 })]
    public void Linear_PicksNiceSteps(double min, double max, int maxCount, double[] expected)
    {
        Assert.Equal(expected, Ticks.Linear(min, max, maxCount), (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void Linear_SnapsRoundingNoiseToZero_AndHonoursIntegerSteps()
    {
        Assert.Contains(0.0, Ticks.Linear(-0.3, 0.3, 6));
        Assert.Equal([1.0, 2, 3], Ticks.Linear(1, 3, 10, integerSteps: true));
    }

    [Fact]
    public void Format_SharesDecimals_UsesTypographicMinus_AndScientificForExtremes()
    {
        Assert.Equal(["\u22121.0", "\u22120.5", "0.0", "0.5", "1.0"], Ticks.Format([-1, -0.5, 0, 0.5, 1]));
        Assert.Equal(["0.25", "0.50", "0.75"], Ticks.Format([0.25, 0.5, 0.75]));
        Assert.Equal(["100", "200"], Ticks.Format([100, 200]));
        Assert.Equal(["0", "1e5", "2e5"], Ticks.Format([0, 1e5, 2e5]));
        Assert.Equal(["1.5e\u22124", "2.0e\u22124"], Ticks.Format([1.5e-4, 2e-4]));
        Assert.Equal(["0.01", "0.1", "1", "10"], Ticks.Format([0.01, 0.1, 1, 10], uniform: false));
    }

    [Fact]
    public void Log_UsesDecades_OrOneTwoFiveWithinADecade()
    {
        Assert.Equal([0.01, 0.1, 1, 10], Ticks.Log(0.005, 20, 8), (a, b) => Math.Abs(a / b - 1) < 1e-9);
        Assert.Equal([0.2, 0.5], Ticks.Log(0.15, 0.6, 8), (a, b) => Math.Abs(a / b - 1) < 1e-9);
    }
}
