using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Gatsbi.Storage;

namespace Gatsbi.Simulation.External;

/// <summary>A message read from a worker's standard output.</summary>
internal abstract record WireReply;

internal sealed record LineReply(string Line) : WireReply;

internal sealed record FrameReply(int Rows, int Columns, double[] Values) : WireReply;

/// <summary>Output that cannot be a reply at all (a frame header that makes no sense, a frame cut off); the stream is out of step after it.</summary>
internal sealed record BrokenReply(string Problem) : WireReply;

/// <summary>The framing of requests and replies between Gatsbi and a worker; docs/external-simulators.md is the user-facing description.</summary>
internal abstract class WireProtocol
{
    public static WireProtocol For(ExternalProtocol protocol) => protocol switch
    {
        ExternalProtocol.Line => new LineProtocol(),
        ExternalProtocol.Binary => new BinaryProtocol(),
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "Unknown external simulator protocol."),
    };

    /// <summary>Most rows per request; the line protocol sends one, so each reply belongs to a known row.</summary>
    public abstract int MaxRowsPerRequest(ExternalSimulatorOptions options);

    public abstract byte[] Request(float[,] theta, ulong[] seeds, int first, int count);

    /// <summary>Reads replies until the end of the stream (runs on the worker's reader thread).</summary>
    public abstract void ReadReplies(StreamReader output, Action<WireReply> deliver);

    /// <summary>Stores the reply for rows <paramref name="first"/>… in <paramref name="x"/>; returns what is wrong with it, or null.</summary>
    public abstract string? Store(WireReply reply, float[,] x, int first, int count);
}

/// <summary>
/// Request <c>seed θ1 … θd\n</c>; reply: D numbers separated by spaces, tabs or commas, then a line end. The
/// numbers are spelled as in CSV files (<see cref="NumberText"/>: <c>nan</c>, <c>inf</c>, <c>-Infinity</c>, …).
/// </summary>
internal sealed class LineProtocol : WireProtocol
{
    private static readonly char[] Separators = [' ', '\t', ','];

    public override int MaxRowsPerRequest(ExternalSimulatorOptions options) => 1;

    public override byte[] Request(float[,] theta, ulong[] seeds, int first, int count)
    {
        var line = new StringBuilder();
        for (int i = first; i < first + count; i++)
        {
            line.Append(seeds[i].ToString(CultureInfo.InvariantCulture));
            // θ is written as the double that equals the float exactly (0.1f as 0.10000000149011612), so that a
            // worker parsing it into a double computes with the same value as one reading the binary protocol.
            foreach (float v in theta.Row(i)) line.Append(' ').Append(((double)v).ToString("R", CultureInfo.InvariantCulture));
            line.Append('\n');
        }
        return Encoding.UTF8.GetBytes(line.ToString());
    }

    public override void ReadReplies(StreamReader output, Action<WireReply> deliver)
    {
        while (output.ReadLine() is { } line) deliver(new LineReply(line));
    }

    public override string? Store(WireReply reply, float[,] x, int first, int count)
    {
        if (reply is not LineReply { Line: var line }) return ((BrokenReply)reply).Problem;
        var tokens = line.Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        int columns = x.GetLength(1);
        if (tokens.Length == 0) return $"it replied with an empty line; expected {columns} numbers";
        // A single "nan" marks the whole row as failed, whatever D is.
        if (tokens.Length == 1 && columns > 1 && NumberText.TryParse(tokens[0], out double only) && double.IsNaN(only))
        {
            x.Row(first).Fill(float.NaN);
            return null;
        }
        if (tokens.Length != columns) return $"it replied {tokens.Length} values; expected {columns}: '{Shorten(line)}'";
        for (int j = 0; j < columns; j++)
        {
            if (!NumberText.TryParse(tokens[j], out double value))
                return $"its reply '{Shorten(line)}' holds '{Shorten(tokens[j])}', which is not a number";
            x[first, j] = (float)value;
        }
        return null;
    }

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..117] + "...";
}

/// <summary>
/// Little-endian frames. Request: int32 row count n, then per row a uint64 seed and d float64 values of θ.
/// Reply: int32 n, int32 D, then n × D float64 values, row by row.
/// </summary>
internal sealed class BinaryProtocol : WireProtocol
{
    /// <summary>Replies larger than this are taken as garbage rather than allocated.</summary>
    private const long MaxReplyValues = 1 << 26;

    public override int MaxRowsPerRequest(ExternalSimulatorOptions options) => options.MaxRowsPerRequest;

    public override byte[] Request(float[,] theta, ulong[] seeds, int first, int count)
    {
        int d = theta.GetLength(1);
        var request = new byte[4 + count * (8 + 8 * d)];
        BinaryPrimitives.WriteInt32LittleEndian(request, count);
        int at = 4;
        for (int i = first; i < first + count; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(request.AsSpan(at), seeds[i]);
            at += 8;
            foreach (float v in theta.Row(i))
            {
                BinaryPrimitives.WriteDoubleLittleEndian(request.AsSpan(at), v);
                at += 8;
            }
        }
        return request;
    }

    public override void ReadReplies(StreamReader output, Action<WireReply> deliver)
    {
        var stream = output.BaseStream;
        var header = new byte[8];
        while (true)
        {
            int got = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (got == 0) return;
            if (got < header.Length)
            {
                deliver(new BrokenReply($"its output ended inside a reply header ({got} of 8 bytes)"));
                return;
            }
            int rows = BinaryPrimitives.ReadInt32LittleEndian(header);
            int columns = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
            if (rows < 0 || columns < 0 || (long)rows * columns > MaxReplyValues)
            {
                deliver(new BrokenReply($"it replied with a frame header of {rows} rows × {columns} values, which is not a reply (bytes {Convert.ToHexString(header)})"));
                return;
            }
            // Allocated as the bytes arrive: a header of garbage can declare half a gigabyte.
            var bytes = DeclaredBytes.Read(stream, rows * columns * 8);
            if (bytes.Length < rows * columns * 8)
            {
                deliver(new BrokenReply($"its output ended inside a reply of {rows} rows × {columns} values ({bytes.Length} of {rows * columns * 8} bytes)"));
                return;
            }
            var values = new double[rows * columns];
            for (int k = 0; k < values.Length; k++) values[k] = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(8 * k));
            deliver(new FrameReply(rows, columns, values));
        }
    }

    public override string? Store(WireReply reply, float[,] x, int first, int count)
    {
        if (reply is not FrameReply frame) return ((BrokenReply)reply).Problem;
        int columns = x.GetLength(1);
        if (frame.Rows != count || frame.Columns != columns)
            return $"it replied with {frame.Rows} rows of {frame.Columns} values; expected {count} rows of {columns}";
        for (int i = 0; i < count; i++)
            for (int j = 0; j < columns; j++)
                x[first + i, j] = (float)frame.Values[i * columns + j];
        return null;
    }
}
