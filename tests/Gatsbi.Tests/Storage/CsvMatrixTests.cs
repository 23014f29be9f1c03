using System.IO.Compression;
using System.Text;
using Gatsbi.Storage;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Storage;

public sealed class CsvMatrixTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static float[,] Awkward() => new float[,]
    {
        { 0.1f, -1e-30f, float.MaxValue },
        { float.Epsilon, 123456.79f, -0f },
        { 1f / 3f, float.MinValue, 2.5e-7f },
    };

    [Theory]
    [InlineData("values.csv")]
    [InlineData("values.csv.gz")]
    public void Round_trip_keeps_every_bit_and_the_names(string name)
    {
        var path = _temp.File(name);
        var values = Awkward();
        CsvMatrix.Write(path, new NamedMatrix(["a", "b", "c"], values));
        var back = CsvMatrix.Read(path);
        Assert.Equal(new[] { "a", "b", "c" }, back.ColumnNames);
        Assert.Equal(3, back.Rows);
        Assert.Equal(3, back.Columns);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                Assert.Equal(BitConverter.SingleToInt32Bits(values[i, j]), BitConverter.SingleToInt32Bits(back.Values[i, j]));
    }

    [Fact]
    public void Gz_files_are_really_compressed_and_plain_files_are_text()
    {
        var plain = _temp.File("m.csv");
        var packed = _temp.File("m.csv.gz");
        CsvMatrix.Write(plain, Awkward(), "parameter");
        CsvMatrix.Write(packed, Awkward(), "parameter");
        Assert.StartsWith("parameter_1,parameter_2,parameter_3", File.ReadAllText(plain));
        var bytes = File.ReadAllBytes(packed);
        Assert.Equal(new byte[] { 0x1f, 0x8b }, bytes[..2]);
        using var reader = new StreamReader(new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress));
        Assert.Equal(File.ReadAllText(plain), reader.ReadToEnd());
    }

    [Fact]
    public void Reads_quoted_headers_spaces_blank_lines_and_exponents()
    {
        var path = _temp.File("in.csv");
        File.WriteAllText(path, "\"x\", \"y\"\n 1.5 ,-2e3\n\n3,4E-2\n");
        var m = CsvMatrix.Read(path);
        Assert.Equal(new[] { "x", "y" }, m.ColumnNames);
        Assert.Equal(new float[,] { { 1.5f, -2000f }, { 3f, 0.04f } }, m.Values);
    }

    [Fact]
    public void A_header_only_file_has_no_rows()
    {
        var path = _temp.File("empty_rows.csv");
        File.WriteAllText(path, "a,b\n");
        var m = CsvMatrix.Read(path);
        Assert.Equal(0, m.Rows);
        Assert.Equal(2, m.Columns);
    }

    [Fact]
    public void A_bad_number_names_the_file_line_and_column()
    {
        var path = _temp.File("bad.csv");
        File.WriteAllText(path, "a,b,c\n1,2,3\n4,five,6\n");
        var e = Assert.Throws<InvalidDataException>(() => CsvMatrix.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("line 3", e.Message);
        Assert.Contains("column 2", e.Message);
        Assert.Contains("'b'", e.Message);
        Assert.Contains("'five'", e.Message);
    }

    [Fact]
    public void A_bad_number_in_a_gz_file_names_it_too()
    {
        var path = _temp.File("bad.csv.gz");
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            gz.Write(Encoding.UTF8.GetBytes("a\n1\n\n2x\n"));
        var e = Assert.Throws<InvalidDataException>(() => CsvMatrix.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("line 4", e.Message);
        Assert.Contains("column 1", e.Message);
    }

    [Theory]
    [InlineData("a,b\n1,2\n3\n", 3, 1)]
    [InlineData("a,b\n1,2,3\n", 2, 3)]
    public void A_wrong_column_count_names_the_file_line_and_counts(string content, int line, int values)
    {
        var path = _temp.File("ragged.csv");
        File.WriteAllText(path, content);
        var e = Assert.Throws<InvalidDataException>(() => CsvMatrix.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains($"line {line}", e.Message);
        Assert.Contains($"{values} values", e.Message);
        Assert.Contains("2 columns", e.Message);
    }

    [Theory]
    [InlineData("inf", float.PositiveInfinity)]
    [InlineData("+inf", float.PositiveInfinity)]
    [InlineData("-inf", float.NegativeInfinity)]
    [InlineData("Inf", float.PositiveInfinity)]
    [InlineData("-INF", float.NegativeInfinity)]
    [InlineData("Infinity", float.PositiveInfinity)]
    [InlineData("-Infinity", float.NegativeInfinity)]
    [InlineData("infinity", float.PositiveInfinity)]
    [InlineData("nan", float.NaN)]
    [InlineData("NaN", float.NaN)]
    [InlineData("-nan", float.NaN)]
    public void Non_finite_values_read_in_the_spellings_numpy_pandas_and_c_write(string cell, float expected)
    {
        var path = _temp.File("special.csv");
        File.WriteAllText(path, $"a,b\n{cell},1\n 2 , {cell} \n");
        var m = CsvMatrix.Read(path).Values;
        Assert.Equal(expected, m[0, 0]);
        Assert.Equal(expected, m[1, 1]);
    }

    [Theory]
    [InlineData("a,b\n1,2\n3,4")]
    [InlineData("a,b\r\n1,2\r\n3,4")]
    [InlineData("\uFEFFa,b\r\n1,2\r\n3,4\r\n")]
    public void A_last_line_without_its_end_crlf_and_a_byte_order_mark_read(string content)
    {
        var path = _temp.File("endings.csv");
        File.WriteAllText(path, content);
        var m = CsvMatrix.Read(path);
        Assert.Equal(new[] { "a", "b" }, m.ColumnNames);
        Assert.Equal(new float[,] { { 1, 2 }, { 3, 4 } }, m.Values);
    }

    [Fact]
    public void An_empty_cell_is_named_with_a_hint_for_missing_values()
    {
        var path = _temp.File("missing.csv");
        File.WriteAllText(path, "a,b\n1,\n");
        var e = Assert.Throws<InvalidDataException>(() => CsvMatrix.Read(path));
        Assert.Contains($"{path}, line 2, column 2 ('b'): the cell is empty; expected a number", e.Message);
        Assert.Contains("na_rep='nan'", e.Message);
    }

    [Fact]
    public void Text_that_is_not_utf8_is_named_rather_than_read_into_the_names()
    {
        var path = _temp.File("latin1.csv");
        File.WriteAllBytes(path, [.. "temp"u8, 0xE9, .. "rature,b\n1,2\n"u8]); // "température" in Latin-1
        var e = Assert.Throws<InvalidDataException>(() => CsvMatrix.Read(path));
        Assert.Contains($"{path}, line 1", e.Message);
        Assert.Contains("not valid UTF-8 (bytes E9)", e.Message);
    }

    [Fact]
    public void Empty_and_missing_files_are_reported_by_name()
    {
        var empty = _temp.File("empty.csv");
        File.WriteAllText(empty, "");
        var e = Assert.Throws<InvalidDataException>(() => CsvMatrix.Read(empty));
        Assert.Contains(empty, e.Message);
        Assert.Contains("empty", e.Message);
        var missing = _temp.File("missing.csv");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => CsvMatrix.Read(missing)).Message);
    }

    [Fact]
    public void Writing_checks_the_names_and_leaves_no_temporary_files()
    {
        Assert.Throws<ArgumentException>(() => CsvMatrix.Write(_temp.File("x.csv"), new NamedMatrix(["a"], new float[2, 2])));
        CsvMatrix.Write(_temp.File("x.csv"), new float[2, 2], "data");
        CsvMatrix.Write(_temp.File("x.csv"), new float[3, 2], "data"); // overwrite
        Assert.Equal(new[] { "x.csv" }, _temp.Files());
        Assert.Equal(3, CsvMatrix.Read(_temp.File("x.csv")).Rows);
    }
}

public sealed class AtomicFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Writes_the_content_and_leaves_only_the_target()
    {
        var path = Path.Combine(_temp.Path, "sub", "dir", "out.bin");
        AtomicFile.Write(path, s => s.Write([1, 2, 3]));
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Equal(new[] { "out.bin" }, _temp.Files());
    }

    [Fact]
    public void A_failed_write_keeps_the_old_file_and_leaves_no_temporary()
    {
        var path = _temp.File("keep.bin");
        AtomicFile.Write(path, s => s.Write([7, 7]));
        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write([1, 2, 3, 4]);
            throw new InvalidOperationException("simulated crash");
        }));
        Assert.Equal("simulated crash", e.Message);
        Assert.Equal(new byte[] { 7, 7 }, File.ReadAllBytes(path));
        Assert.Equal(new[] { "keep.bin" }, _temp.Files());
    }

    [Fact]
    public void A_failed_first_write_creates_nothing()
    {
        var path = _temp.File("never.bin");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, _ => throw new IOException("disk full")));
        Assert.False(File.Exists(path));
        Assert.Empty(_temp.Files());
    }

    [Fact]
    public void A_bzip2_file_such_as_sbibms_own_gets_advice_instead_of_a_parse_error()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "reference_posterior_samples.csv.bz2");
        File.WriteAllBytes(path, [0x42, 0x5A, 0x68, 0x39]);
        var e = Assert.Throws<InvalidDataException>(() => CsvMatrix.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("decompress", e.Message);
    }
}
