namespace Gatsbi.Plotting;

/// <summary>How the marginal of each parameter is drawn on the diagonal of a <see cref="PairPlot"/>.</summary>
public enum DiagonalStyle
{
    /// <summary>Density-normalised histogram (filled, with a step outline).</summary>
    Histogram,

    /// <summary>Gaussian kernel density estimate with Scott's bandwidth.</summary>
    Density,
}
