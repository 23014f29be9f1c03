using System.IO.Compression;
using System.Text;
using Gatsbi.Storage;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Storage;

/// <summary>
/// gzip files are checked whole (<see cref="CheckedGzipStream"/>) by every reader of them: a file cut off
/// anywhere, a damaged member or bytes after the last member fail, naming the file, where GZipStream alone
/// read a cut-off file as a shorter one.
/// </summary>
public sealed class GzipReadingTests : IDisposable
{
    private const string Table = "a,b\n1.5,2\n3,4.25\n5,6\n7,8\n";
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(Encoding.UTF8.GetBytes(text));
        return buffer.ToArray();
    }

    private string Write(string name, byte[] bytes)
    {
        var path = _temp.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private InvalidDataException ReadError(byte[] bytes)
    {
        var path = Write("t.csv.gz", bytes);
        var e = Assert.Throws<InvalidDataException>(() => CsvMatrix.Read(path));
        Assert.Contains(path, e.Message);
        return e;
    }

    [Theory]
    [InlineData(1, "inside the trailer of member 1 (7 of its 8 bytes are there)")]
    [InlineData(8, "inside the trailer of member 1 (0 of its 8 bytes are there)")]
    [InlineData(9, "before the end-of-stream marker of member 1")]
    [InlineData(20, "before the end-of-stream marker of member 1")]
    public void A_file_cut_off_anywhere_is_truncated_not_a_shorter_table(int cut, string where)
    {
        var bytes = Gzip(Table);
        var e = ReadError(bytes[..^cut]);
        Assert.Contains($"the gzip stream is truncated: the file ends {where}", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void A_file_cut_inside_its_header_is_truncated(int keep)
    {
        Assert.Contains("the file ends inside the header of member 1", ReadError(Gzip(Table)[..keep]).Message);
    }

    [Fact]
    public void Damaged_data_is_corrupt_and_says_which_checksum_differs()
    {
        var bytes = Gzip(Table);
        bytes[^5] ^= 0x10; // the CRC-32's high byte
        var e = ReadError(bytes);
        Assert.Contains("the gzip data is corrupt: member 1 decompresses to 25 bytes with CRC-32", e.Message);
        Assert.Contains("but its trailer says 25 bytes", e.Message);

        var garbled = Gzip(Table);
        garbled[12] ^= 0xFF; // inside the DEFLATE data: an error naming the file, whichever check finds it
        ReadError(garbled);
    }

    [Fact]
    public void Bytes_after_the_last_member_that_are_not_a_member_are_an_error()
    {
        var e = ReadError([.. Gzip(Table), 0, 0, 0]);
        Assert.Contains("the 3 bytes after gzip member 1 are not another member", e.Message);
        // A second member whose signature is damaged is not dropped.
        var second = Gzip("9,10\n");
        second[0] = 0x1E;
        Assert.Contains("are not another member", ReadError([.. Gzip(Table), .. second]).Message);
    }

    [Fact]
    public void A_file_that_is_not_gzip_or_empty_is_named()
    {
        Assert.Contains("not a gzip file: it starts with the bytes 612C; expected 1F8B", ReadError(Encoding.ASCII.GetBytes(Table)).Message);
        Assert.Contains("the file is empty; expected gzip data", ReadError([]).Message);
    }

    [Fact]
    public void Members_empty_members_and_optional_header_fields_all_read()
    {
        var first = WithAllHeaderFields(Gzip("a,b\n1.5,2\n"));
        byte[] empty = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var path = Write("m.csv.gz", [.. first, .. empty, .. Gzip("3,4.25\n5,6\n"), .. Gzip("7,8\n"), .. empty]);
        Assert.Equal(new float[,] { { 1.5f, 2 }, { 3, 4.25f }, { 5, 6 }, { 7, 8 } }, CsvMatrix.Read(path).Values);
    }

    [Fact]
    public void A_header_that_does_not_match_its_crc16_is_corrupt()
    {
        var member = WithAllHeaderFields(Gzip(Table));
        member[20] ^= 0x01; // inside the file name
        Assert.Contains("the header of gzip member 1 is corrupt: its CRC-16 is", ReadError(member).Message);
    }

    /// <summary>The member with FTEXT, FHCRC, FEXTRA, FNAME and FCOMMENT set and their fields filled in, as other tools may write them.</summary>
    private static byte[] WithAllHeaderFields(byte[] member)
    {
        byte[] header = [.. member[..3], 0x1F, .. member[4..10], 4, 0, (byte)'x', (byte)'y', 0, 0, .. "t.csv\0"u8, .. "note\0"u8];
        ushort crc16 = (ushort)Crc32.Append(0, header);
        return [.. header, (byte)crc16, (byte)(crc16 >> 8), .. member[10..]];
    }

    [Fact]
    public void A_large_file_reads_whole()
    {
        var text = new StringBuilder("x\n");
        for (int i = 0; i < 200_000; i++) text.Append(i).Append('\n');
        var path = Write("big.csv.gz", Gzip(text.ToString()));
        var values = CsvMatrix.Read(path).Values;
        Assert.Equal(200_000, values.GetLength(0));
        Assert.Equal(199_999f, values[199_999, 0]);
    }

    [Fact]
    public void An_idx_file_cut_inside_its_gzip_trailer_is_truncated_though_every_pixel_is_there()
    {
        byte[] idx = [0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 10, 20, 30, 40];
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(idx);
        var path = Write("images.gz", buffer.ToArray()[..^4]);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path, maxImages: 1));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Finished_rows_keep_only_complete_members_and_fail_on_damage_before_the_end()
    {
        var path = Write("run.csv.gz", [.. Gzip("a,b\n"), .. Gzip("1,2\n3,4\n"), .. Gzip("5,6\n7,8\n")[..^3]]);
        // The last batch was cut off by a stop: its rows are not trusted, though most of them decompress.
        Assert.Equal(new float[,] { { 1, 2 }, { 3, 4 } }, MatrixFile.ReadFinishedRows(path)!.Values);

        var middle = Gzip("1,2\n3,4\n");
        middle[^6] ^= 1; // a CRC-32 byte
        File.WriteAllBytes(path, [.. Gzip("a,b\n"), .. middle, .. Gzip("5,6\n")]);
        var e = Assert.Throws<InvalidDataException>(() => MatrixFile.ReadFinishedRows(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("member 2", e.Message);
    }
}
