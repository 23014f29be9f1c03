using Gatsbi.Storage;

namespace Gatsbi.Simulation;

/// <summary>
/// The θ file and the x file a run writes as it goes (CSV, gzip CSV or .npy, by extension; see
/// <see cref="MatrixFile"/>). θ rows are appended before their x rows, so after any stop the x file never
/// holds a row without its θ; a resumed run keeps the rows both files hold.
/// </summary>
public sealed class SimulationFileWriter : IDisposable
{
    private readonly string[] _parameterNames, _dataNames;
    private IMatrixAppender? _theta, _x;

    /// <summary>Rows found by <see cref="Resume"/>, kept until <see cref="KeepRows"/> decides how many of them stay.</summary>
    private float[,]? _foundTheta, _foundX;

    private SimulationFileWriter(string thetaPath, string xPath, string[] parameterNames, string[] dataNames)
    {
        if (Path.GetFullPath(thetaPath) == Path.GetFullPath(xPath))
            throw new ArgumentException($"θ and x need two different files; both are {thetaPath}.");
        ThetaPath = thetaPath;
        XPath = xPath;
        _parameterNames = parameterNames;
        _dataNames = dataNames;
    }

    /// <summary>The parameter file, as given.</summary>
    public string ThetaPath { get; }

    /// <summary>The data file, as given.</summary>
    public string XPath { get; }

    /// <summary>Complete simulations (θ and x rows) in the files.</summary>
    public int Rows { get; private set; }

    /// <summary>Rows whose θ or x holds NaN or ±∞ (failed simulations, which training drops).</summary>
    public int NonFiniteRows { get; private set; }

    /// <summary>Starts both files empty, replacing any files at those paths.</summary>
    public static SimulationFileWriter Create(string thetaPath, string xPath, string[] parameterNames, string[] dataNames)
    {
        var writer = new SimulationFileWriter(thetaPath, xPath, parameterNames, dataNames);
        try
        {
            writer._theta = MatrixFile.Create(thetaPath, parameterNames);
            writer._x = MatrixFile.Create(xPath, dataNames);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
        return writer;
    }

    /// <summary>
    /// Opens the files a stopped run left (missing files count as empty). <see cref="Rows"/> is the number
    /// of rows both hold completely; nothing is changed on disk until the run decides which rows to keep.
    /// </summary>
    public static SimulationFileWriter Resume(string thetaPath, string xPath, string[] parameterNames, string[] dataNames)
    {
        var writer = new SimulationFileWriter(thetaPath, xPath, parameterNames, dataNames)
        {
            _foundTheta = ReadFound(thetaPath, "parameter", parameterNames.Length),
            _foundX = ReadFound(xPath, "data", dataNames.Length),
        };
        writer.Rows = Math.Min(writer._foundTheta.GetLength(0), writer._foundX.GetLength(0));
        return writer;
    }

    /// <summary>
    /// Keeps the first <paramref name="rows"/> rows found by <see cref="Resume"/>, after checking that their θ
    /// are the first rows of <paramref name="theta"/>, the run's θ; rows after them are dropped from the
    /// files. Writers from <see cref="Create"/> hold no rows and keep none.
    /// </summary>
    public void KeepRows(int rows, float[,] theta)
    {
        if (rows > Rows) throw new ArgumentOutOfRangeException(nameof(rows), $"Cannot keep {rows} rows; the files hold {Rows}.");
        if (_theta is not null)
        {
            if (rows != Rows) throw new InvalidOperationException($"Rows are kept once, before the first append; the files already hold {Rows}.");
            return;
        }
        var foundTheta = _foundTheta!;
        var foundX = _foundX!;
        if (theta.GetLength(1) != foundTheta.GetLength(1))
            throw new ArgumentException($"The run's θ has {theta.GetLength(1)} columns; {ThetaPath} has {foundTheta.GetLength(1)}.");
        for (int i = 0; i < rows; i++)
        {
            if (!SameBits(foundTheta.Row(i), theta.Row(i)))
                throw new InvalidDataException(
                    $"{ThetaPath}, row {i + 1}: θ = ({SimulationFailedException.FormatTheta(foundTheta.Row(i))}), but this run's θ there is " +
                    $"({SimulationFailedException.FormatTheta(theta.Row(i))}): the files were started with another seed, prior or θ input. " +
                    "Continue with the settings they were started with, or start new files.");
            if (!foundTheta.RowIsFinite(i) || !foundX.RowIsFinite(i)) NonFiniteRows++;
        }
        _theta = MatrixFile.Resume(ThetaPath, _parameterNames, rows);
        _x = MatrixFile.Resume(XPath, _dataNames, rows);
        _foundTheta = _foundX = null;
        Rows = rows;
    }

    /// <summary>Appends paired rows: θ first, then x, each flushed to the operating system.</summary>
    public void Append(float[,] theta, float[,] x)
    {
        if (theta.GetLength(0) != x.GetLength(0))
            throw new ArgumentException($"θ has {theta.GetLength(0)} rows but x has {x.GetLength(0)}; each θ needs one x.");
        if (_theta is null) KeepRows(Rows, _foundTheta!); // a resumed writer keeps all it found unless told otherwise
        _theta!.Append(theta);
        _x!.Append(x);
        for (int i = 0; i < theta.GetLength(0); i++)
            if (!theta.RowIsFinite(i) || !x.RowIsFinite(i)) NonFiniteRows++;
        Rows += theta.GetLength(0);
    }

    /// <summary>Closes both files; every appended row is already on disk.</summary>
    public void Dispose()
    {
        _theta?.Dispose();
        _x?.Dispose();
    }

    private static float[,] ReadFound(string path, string prefix, int columns)
    {
        var found = MatrixFile.ReadFinishedRows(path, prefix);
        if (found is null) return new float[0, columns];
        if (found.Columns != columns)
            throw new InvalidDataException($"{path}: has {found.Columns} columns; this run writes {columns}. Is it the output of another simulator?");
        return found.Values;
    }

    private static bool SameBits(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        for (int j = 0; j < a.Length; j++)
            if (BitConverter.SingleToInt32Bits(a[j]) != BitConverter.SingleToInt32Bits(b[j])) return false;
        return true;
    }
}
