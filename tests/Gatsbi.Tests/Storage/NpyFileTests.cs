using System.Buffers.Binary;
using System.Text;
using Gatsbi.Storage;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Storage;

public sealed class NpyFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>
    /// The file NumPy writes for np.save(path, np.array([[1, 2, -0.5], [0.25, 0, -3]], dtype='&lt;f4')),
    /// derived from the format spec (numpy/lib/format.py) by hand:
    /// the dict "{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }" is 59 characters; NumPy adds
    /// 21 − len("2") = 20 spaces of room for the row count to grow (79); with the final newline the header
    /// is 80 bytes; 6 (magic) + 2 (version) + 2 (length) + 80 = 90, and 90 mod 64 = 26, so 64 − 26 = 38 more
    /// spaces align the data to 128 bytes; the length field is 79 + 38 + 1 = 118 = 0x76.
    /// </summary>
    private static byte[] HandMadeFile()
    {
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 0x01, 0x00, 0x76, 0x00 };
        bytes.AddRange(Encoding.ASCII.GetBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"));
        bytes.AddRange(Enumerable.Repeat((byte)' ', 20 + 38));
        bytes.Add((byte)'\n');
        bytes.AddRange(Convert.FromHexString(
            "0000803F" + "00000040" + "000000BF" + // 1, 2, -0.5
            "0000803E" + "00000000" + "000040C0")); // 0.25, 0, -3
        return bytes.ToArray();
    }

    private static readonly float[,] HandMadeValues = { { 1f, 2f, -0.5f }, { 0.25f, 0f, -3f } };

    [Fact]
    public void Writes_the_bytes_numpy_writes()
    {
        var path = _temp.File("m.npy");
        NpyFile.Write(path, HandMadeValues);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(128 + 24, bytes.Length);
        Assert.Equal(HandMadeFile(), bytes);
    }

    [Fact]
    public void Reads_the_hand_made_file()
    {
        var path = _temp.File("hand.npy");
        File.WriteAllBytes(path, HandMadeFile());
        Assert.Equal(HandMadeValues, NpyFile.Read(path));
    }

    [Theory]
    [InlineData(0L, 1)]
    [InlineData(7L, 2)]
    [InlineData(123_456_789L, 40)]
    [InlineData(999_999_999_999L, 1000)]
    public void The_header_is_64_byte_aligned_and_the_same_size_for_any_row_count(long rows, int columns)
    {
        var header = NpyHeader.Float32Matrix(rows, columns);
        Assert.Equal(0, header.Length % 64);
        Assert.Equal(NpyHeader.Float32Matrix(1, columns).Length, header.Length);
        Assert.Equal((byte)'\n', header[^1]);
        Assert.Equal(header.Length - 10, BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8)));
        Assert.Contains($"'shape': ({rows}, {columns}), }}", Encoding.ASCII.GetString(header));
    }

    [Fact]
    public void Round_trip_keeps_every_bit()
    {
        var values = new float[,]
        {
            { 0.1f, -1e-30f, float.MaxValue, float.NaN },
            { float.Epsilon, 123456.79f, -0f, float.NegativeInfinity },
            { 1f / 3f, float.MinValue, 2.5e-7f, float.PositiveInfinity },
        };
        var path = _temp.File("awkward.npy");
        NpyFile.Write(path, values);
        var back = NpyFile.Read(path);
        Assert.Equal(values.GetLength(0), back.GetLength(0));
        Assert.Equal(values.GetLength(1), back.GetLength(1));
        Assert.Equal(values.AsSpan().ToArray().Select(BitConverter.SingleToInt32Bits), back.AsSpan().ToArray().Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(1, 1)]
    [InlineData(5000, 7)]
    public void Round_trips_any_shape(int rows, int columns)
    {
        var values = new float[rows, columns];
        for (int i = 0; i < values.Length; i++) values.AsSpan()[i] = i * 0.5f - 3;
        var path = _temp.File($"m{rows}x{columns}.npy");
        NpyFile.Write(path, values);
        Assert.Equal(values, NpyFile.Read(path));
    }

    [Fact]
    public void Reads_every_supported_dtype()
    {
        Assert.Equal(new float[,] { { 1.5f, -2f } }, Read(NpyBytes("<f8", "(1, 2)", Doubles(1.5, -2))));
        Assert.Equal(new float[,] { { -7f }, { 2_000_000f } }, Read(NpyBytes("<i4", "(2, 1)", Ints(-7, 2_000_000))));
        Assert.Equal(new float[,] { { 5_000_000_000f, -1f } }, Read(NpyBytes("<i8", "(1, 2)", Longs(5_000_000_000, -1))));
        Assert.Equal(new float[,] { { 0f, 255f, 7f } }, Read(NpyBytes("|u1", "(1, 3)", [0, 255, 7])));
        Assert.Equal(new float[,] { { 1f, 0f }, { 0f, 1f } }, Read(NpyBytes("|b1", "(2, 2)", [1, 0, 0, 1])));
    }

    [Fact]
    public void A_one_dimensional_array_is_one_column()
    {
        Assert.Equal(new float[,] { { 1f }, { 2f }, { 3f } }, Read(NpyBytes("<f4", "(3,)", Floats(1, 2, 3))));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Reads_versions_2_and_3(int major)
    {
        Assert.Equal(new float[,] { { 4f, 5f } }, Read(NpyBytes("<f4", "(1, 2)", Floats(4, 5), major)));
    }

    [Fact]
    public void Reads_headers_in_any_key_order_with_python2_long_sizes()
    {
        var bytes = NpyBytes("<f4", "(1L, 2L)", Floats(4, 5), dict: "{'shape': (1L, 2L), 'fortran_order': False, \"descr\": '<f4'}");
        Assert.Equal(new float[,] { { 4f, 5f } }, Read(bytes));
    }

    [Fact]
    public void Fortran_order_is_rejected_with_advice()
    {
        var e = ReadError("fortran.npy", NpyBytes("<f4", "(2, 2)", Floats(1, 2, 3, 4), fortran: true));
        Assert.Contains("fortran.npy", e.Message);
        Assert.Contains("Fortran", e.Message);
        Assert.Contains("expected C order", e.Message);
    }

    [Theory]
    [InlineData(">f4")]
    [InlineData("<c16")]
    [InlineData("<U5")]
    public void Other_dtypes_are_rejected_naming_found_and_expected(string descr)
    {
        var e = ReadError("other.npy", NpyBytes(descr, "(1, 1)", new byte[16]));
        Assert.Contains("other.npy", e.Message);
        Assert.Contains($"'{descr}'", e.Message);
        Assert.Contains("'<f4'", e.Message);
        Assert.Contains("'|b1'", e.Message);
    }

    [Fact]
    public void Three_dimensional_arrays_are_rejected()
    {
        var e = ReadError("cube.npy", NpyBytes("<f4", "(2, 2, 2)", new byte[32]));
        Assert.Contains("(2, 2, 2)", e.Message);
        Assert.Contains("1-D or 2-D", e.Message);
    }

    [Fact]
    public void Truncated_data_is_named_with_the_byte_counts()
    {
        var bytes = NpyBytes("<f4", "(3, 2)", Floats(1, 2, 3, 4, 5));
        var e = ReadError("short.npy", bytes);
        Assert.Contains("short.npy", e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("needs 24 bytes", e.Message);
        Assert.Contains("only 20", e.Message);
    }

    [Fact]
    public void A_truncated_header_and_a_foreign_file_are_named()
    {
        var e = ReadError("cut.npy", HandMadeFile()[..40]);
        Assert.Contains("cut.npy", e.Message);
        Assert.Contains("truncated", e.Message);
        e = ReadError("text.npy", Encoding.ASCII.GetBytes("a,b\n1,2\n"));
        Assert.Contains("not a NumPy .npy file", e.Message);
    }

    [Fact]
    public void A_shape_whose_size_overflows_is_rejected_not_read_as_empty()
    {
        // 2^62 × 4 values: the product wraps to 0 in 64 bits.
        var e = ReadError("overflow.npy", NpyBytes("<f4", "(4611686018427387904, 4)", []));
        Assert.Contains("overflow.npy", e.Message);
        Assert.Contains("more values than one array can hold", e.Message);
    }

    [Fact]
    public void A_damaged_shape_fails_as_truncated_before_its_matrix_is_allocated()
    {
        // 500 million rows: 2 GB if it were allocated first.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = ReadError("huge.npy", NpyBytes("<f4", "(500000000, 1)", Floats(1, 2)));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0L, 16L << 20);
        Assert.Contains("huge.npy: the file is truncated", e.Message);
        Assert.Contains("needs 2000000000 bytes of data after the header, but only 8 are there", e.Message);
    }

    [Fact]
    public void Bytes_after_the_data_are_ignored_as_numpy_does()
    {
        var bytes = HandMadeFile().Concat(new byte[] { 1, 2, 3 }).ToArray();
        Assert.Equal(HandMadeValues, Read(bytes));
    }

    private float[,] Read(byte[] bytes)
    {
        var path = _temp.File($"{Guid.NewGuid():N}.npy");
        File.WriteAllBytes(path, bytes);
        return NpyFile.Read(path);
    }

    private InvalidDataException ReadError(string name, byte[] bytes)
    {
        var path = _temp.File(name);
        File.WriteAllBytes(path, bytes);
        return Assert.Throws<InvalidDataException>(() => NpyFile.Read(path));
    }

    /// <summary>A .npy file with the given header fields, laid out as the format spec says (version 2.0/3.0: 4-byte length).</summary>
    internal static byte[] NpyBytes(string descr, string shape, byte[] data, int major = 1, bool fortran = false, string? dict = null)
    {
        dict ??= $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        int lengthBytes = major == 1 ? 2 : 4;
        int unpadded = 8 + lengthBytes + dict.Length + 1;
        string header = dict + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        var length = new byte[lengthBytes];
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)header.Length);
        bytes.AddRange(length);
        bytes.AddRange((major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(header));
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    private static byte[] Floats(params float[] values) => values.SelectMany(v => BitConverter.GetBytes(v)).ToArray();
    private static byte[] Doubles(params double[] values) => values.SelectMany(v => BitConverter.GetBytes(v)).ToArray();
    private static byte[] Ints(params int[] values) => values.SelectMany(v => BitConverter.GetBytes(v)).ToArray();
    private static byte[] Longs(params long[] values) => values.SelectMany(v => BitConverter.GetBytes(v)).ToArray();
}
