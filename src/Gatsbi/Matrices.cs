using System.Runtime.InteropServices;

namespace Gatsbi;

/// <summary>
/// Row access for the row-major <c>float[,]</c> matrices that carry parameters and data through the
/// toolkit (rows are samples, columns are dimensions).
/// </summary>
public static class Matrices
{
    /// <summary>Row <paramref name="row"/> of <paramref name="matrix"/> as a span over the array itself: writes go into the matrix, nothing is copied.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is not a row index of <paramref name="matrix"/>.</exception>
    public static Span<float> Row(this float[,] matrix, int row)
    {
        int cols = matrix.GetLength(1);
        if ((uint)row >= (uint)matrix.GetLength(0)) throw new ArgumentOutOfRangeException(nameof(row));
        if (cols == 0) return Span<float>.Empty;
        return MemoryMarshal.CreateSpan(ref matrix[row, 0], cols);
    }

    /// <summary>All of <paramref name="matrix"/> as one span in row-major order (rows × columns values), without copying.</summary>
    public static Span<float> AsSpan(this float[,] matrix) =>
        matrix.Length == 0 ? Span<float>.Empty : MemoryMarshal.CreateSpan(ref matrix[0, 0], matrix.Length);

    /// <summary>The rows <paramref name="rows"/> of <paramref name="matrix"/>, in that order.</summary>
    public static float[,] SelectRows(this float[,] matrix, IReadOnlyList<int> rows)
    {
        int cols = matrix.GetLength(1);
        var result = new float[rows.Count, cols];
        for (int i = 0; i < rows.Count; i++) matrix.Row(rows[i]).CopyTo(result.Row(i));
        return result;
    }

    /// <summary>A copy of the <paramref name="count"/> rows of <paramref name="matrix"/> that start at row <paramref name="start"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range runs outside the matrix's rows, or <paramref name="count"/> is negative.</exception>
    public static float[,] SliceRows(this float[,] matrix, int start, int count) =>
        matrix.SelectRows(Enumerable.Range(start, count).ToArray());

    /// <summary>A matrix whose every row is <paramref name="row"/>.</summary>
    public static float[,] Repeat(ReadOnlySpan<float> row, int times)
    {
        var result = new float[times, row.Length];
        for (int i = 0; i < times; i++) row.CopyTo(result.Row(i));
        return result;
    }

    /// <summary>True when no value of row <paramref name="row"/> is NaN or ±∞ (the mark of a failed simulation).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is not a row index of <paramref name="matrix"/>.</exception>
    public static bool RowIsFinite(this float[,] matrix, int row)
    {
        foreach (float v in matrix.Row(row))
            if (!float.IsFinite(v)) return false;
        return true;
    }

    /// <summary>A rows.Count × <paramref name="columns"/> matrix whose row i is a copy of <paramref name="rows"/>[i].</summary>
    /// <exception cref="ArgumentException">A row does not have <paramref name="columns"/> values.</exception>
    public static float[,] FromRows(IReadOnlyList<float[]> rows, int columns)
    {
        var result = new float[rows.Count, columns];
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != columns)
                throw new ArgumentException($"Row {i} has {rows[i].Length} values; expected {columns}.");
            rows[i].CopyTo(result.Row(i));
        }
        return result;
    }

    /// <summary>The rows of <paramref name="parts"/> one after another; all parts need the same column count.</summary>
    public static float[,] StackRows(IReadOnlyList<float[,]> parts)
    {
        if (parts.Count == 0) throw new ArgumentException("StackRows needs at least one matrix.");
        int columns = parts[0].GetLength(1);
        var result = new float[parts.Sum(p => p.GetLength(0)), columns];
        int row = 0;
        foreach (var part in parts)
        {
            if (part.GetLength(1) != columns)
                throw new ArgumentException($"StackRows: a part has {part.GetLength(1)} columns; expected {columns}.");
            part.AsSpan().CopyTo(result.AsSpan()[(row * columns)..]);
            row += part.GetLength(0);
        }
        return result;
    }
}
