using System.IO.Compression;
using System.Text;
using Gatsbi.Storage;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Storage;

public sealed class MatrixFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static float[,] Rows(int start, int count, int columns = 2)
    {
        var m = new float[count, columns];
        for (int i = 0; i < count; i++)
            for (int j = 0; j < columns; j++)
                m[i, j] = (start + i) * 10 + j + 0.125f;
        return m;
    }

    [Theory]
    [InlineData("a.npy", MatrixFormat.Npy)]
    [InlineData("a.NPY", MatrixFormat.Npy)]
    [InlineData("a.csv", MatrixFormat.Csv)]
    [InlineData("a.csv.gz", MatrixFormat.CsvGzip)]
    [InlineData("a.txt", MatrixFormat.Csv)]
    public void The_format_follows_the_extension(string name, MatrixFormat format) => Assert.Equal(format, MatrixFile.FormatOf(name));

    [Theory]
    [InlineData("m.csv")]
    [InlineData("m.csv.gz")]
    [InlineData("m.npy")]
    public void Write_then_read_round_trips_with_names_where_the_format_has_them(string name)
    {
        var path = _temp.File(name);
        MatrixFile.Write(path, new NamedMatrix(["a", "b"], Rows(0, 3)));
        var back = MatrixFile.Read(path, "parameter");
        Assert.Equal(Rows(0, 3), back.Values);
        Assert.Equal(name.EndsWith(".npy") ? ["parameter_1", "parameter_2"] : new[] { "a", "b" }, back.ColumnNames);
    }

    [Theory]
    [InlineData("m.csv")]
    [InlineData("m.csv.gz")]
    [InlineData("m.npy")]
    public void An_appended_file_is_readable_after_every_append_and_equals_a_written_one(string name)
    {
        var path = _temp.File(name);
        using (var appender = MatrixFile.Create(path, ["a", "b"]))
        {
            Assert.Equal(0, MatrixFile.Read(path).Rows);
            for (int chunk = 0; chunk < 4; chunk++)
            {
                appender.Append(Rows(chunk * 3, 3));
                Assert.Equal(Rows(0, (chunk + 1) * 3), MatrixFile.Read(path).Values);
            }
            Assert.Equal(12, appender.Rows);
        }
        var whole = _temp.File("whole-" + name);
        MatrixFile.Write(whole, new NamedMatrix(["a", "b"], Rows(0, 12)));
        if (name.EndsWith(".gz")) Assert.Equal(Decompress(whole), Decompress(path)); // one gzip member per append
        else Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(path));
    }

    [Fact]
    public void A_csv_line_cut_off_mid_write_is_left_out_and_dropped_on_resume()
    {
        var path = _temp.File("cut.csv");
        File.WriteAllText(path, "a,b\n1,2\n3,4\n5,6");
        Assert.Equal(new float[,] { { 1, 2 }, { 3, 4 } }, MatrixFile.ReadFinishedRows(path)!.Values);
        using (var appender = MatrixFile.Resume(path, ["a", "b"], keepRows: 2))
            appender.Append(new float[,] { { 7, 8 } });
        Assert.Equal("a,b\n1,2\n3,4\n7,8\n", File.ReadAllText(path));
    }

    [Fact]
    public void A_gzip_member_cut_off_mid_write_is_left_out_and_repaired_on_resume()
    {
        var path = _temp.File("cut.csv.gz");
        using (var appender = MatrixFile.Create(path, ["a", "b"]))
        {
            appender.Append(Rows(0, 2));
            appender.Append(Rows(2, 50));
        }
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^40]);
        var found = MatrixFile.ReadFinishedRows(path)!;
        Assert.InRange(found.Rows, 2, 51);
        Assert.Equal(Rows(0, found.Rows), found.Values);
        using (var appender = MatrixFile.Resume(path, ["a", "b"], keepRows: 2))
            appender.Append(Rows(2, 1));
        Assert.Equal(Rows(0, 3), MatrixFile.Read(path).Values);
    }

    [Fact]
    public void Resume_keeps_the_first_rows_and_appends_after_them()
    {
        foreach (var name in new[] { "k.csv", "k.csv.gz", "k.npy" })
        {
            var path = _temp.File(name);
            using (var appender = MatrixFile.Create(path, ["a", "b"])) appender.Append(Rows(0, 10));
            using (var appender = MatrixFile.Resume(path, ["a", "b"], keepRows: 4))
            {
                Assert.Equal(4, appender.Rows);
                appender.Append(Rows(4, 2));
            }
            Assert.Equal(Rows(0, 6), MatrixFile.Read(path).Values);
        }
    }

    [Fact]
    public void Npy_bytes_after_the_counted_rows_are_dropped_on_resume()
    {
        var path = _temp.File("extra.npy");
        NpyFile.Write(path, Rows(0, 3));
        File.AppendAllText(path, "partial row");
        Assert.Equal(Rows(0, 3), MatrixFile.ReadFinishedRows(path)!.Values);
        using (var appender = MatrixFile.Resume(path, ["a", "b"], keepRows: 3)) appender.Append(Rows(3, 1));
        NpyFile.Write(_temp.File("expected.npy"), Rows(0, 4));
        Assert.Equal(File.ReadAllBytes(_temp.File("expected.npy")), File.ReadAllBytes(path));
    }

    [Fact]
    public void Resume_rejects_other_column_counts_and_dtypes_naming_the_file()
    {
        var csv = _temp.File("three.csv");
        File.WriteAllText(csv, "a,b,c\n1,2,3\n");
        var e = Assert.Throws<InvalidDataException>(() => MatrixFile.Resume(csv, ["a", "b"], 0));
        Assert.Contains(csv, e.Message);
        Assert.Contains("3 columns", e.Message);

        var npy = _temp.File("doubles.npy");
        File.WriteAllBytes(npy, NpyFileTests.NpyBytes("<f8", "(1, 2)", new byte[16]));
        e = Assert.Throws<InvalidDataException>(() => MatrixFile.Resume(npy, ["a", "b"], 0));
        Assert.Contains(npy, e.Message);
        Assert.Contains("'<f8'", e.Message);
    }

    [Fact]
    public void A_missing_file_is_no_rows_and_resumes_as_a_new_file()
    {
        var path = _temp.File("new.npy");
        Assert.Null(MatrixFile.ReadFinishedRows(path));
        using (var appender = MatrixFile.Resume(path, ["a"], 0)) appender.Append(new float[,] { { 1 } });
        Assert.Equal(new float[,] { { 1 } }, MatrixFile.Read(path).Values);
    }

    private static string Decompress(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress), Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
