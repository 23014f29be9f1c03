using SkiaSharp;

namespace Gatsbi.Plotting;

/// <summary>A validated, named set of samples stored column-wise (one array per parameter), the layout every panel reads.</summary>
internal sealed class SampleSet
{
    private SampleSet(string name, double[][] columns, SKColor color)
    {
        Name = name;
        Columns = columns;
        Color = color;
    }

    public string Name { get; }

    public double[][] Columns { get; }

    public SKColor Color { get; }

    public int RowCount => Columns[0].Length;

    public static SampleSet Create<T>(string name, T[,] samples, SKColor color, IReadOnlyList<string> parameterNames, Func<T, double> toDouble)
    {
        ArgumentNullException.ThrowIfNull(samples);
        int rows = samples.GetLength(0);
        int columns = samples.GetLength(1);
        if (columns != parameterNames.Count)
        {
            throw new ArgumentException(
                $"Sample set '{name}' has {columns} columns but {parameterNames.Count} parameter names were given ({string.Join(", ", parameterNames)}).",
                nameof(samples));
        }

        if (rows == 0)
        {
            throw new ArgumentException($"Sample set '{name}' is empty (0 rows).", nameof(samples));
        }

        var data = new double[columns][];
        for (int c = 0; c < columns; c++)
        {
            var column = new double[rows];
            bool anyFinite = false;
            for (int r = 0; r < rows; r++)
            {
                column[r] = toDouble(samples[r, c]);
                anyFinite |= double.IsFinite(column[r]);
            }

            if (!anyFinite)
            {
                throw new ArgumentException(
                    $"Sample set '{name}', column {c} ('{parameterNames[c]}') has no finite values (all NaN or infinite).",
                    nameof(samples));
            }

            data[c] = column;
        }

        return new SampleSet(name, data, color);
    }

    /// <summary>
    /// Evenly strided row indices, at most <paramref name="max"/>: deterministic (identical figures on every run,
    /// so they can be diffed) and spread over the whole set, unlike taking the first rows of an ordered chain.
    /// </summary>
    public int[] SubsampleRows(int max)
    {
        int n = RowCount;
        int count = Math.Min(n, max);
        var rows = new int[count];
        for (int k = 0; k < count; k++)
        {
            rows[k] = (int)((long)k * n / count);
        }

        return rows;
    }
}
