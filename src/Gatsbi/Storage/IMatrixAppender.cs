namespace Gatsbi.Storage;

/// <summary>
/// A matrix file that grows by whole rows. Every <see cref="Append"/> reaches the operating system
/// before it returns, and the file is a complete, readable matrix after each one, so a run that stops
/// (an error, Ctrl+C, a killed process) leaves every row appended so far in a valid file.
/// </summary>
public interface IMatrixAppender : IDisposable
{
    /// <summary>The file appended to.</summary>
    string Path { get; }

    /// <summary>Values per row; fixed when the file is created or resumed.</summary>
    int Columns { get; }

    /// <summary>Rows in the file, those it was opened with included.</summary>
    int Rows { get; }

    /// <summary>Appends the rows of <paramref name="rows"/>, which must have <see cref="Columns"/> columns.</summary>
    void Append(float[,] rows);
}
