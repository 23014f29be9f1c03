using System.Buffers.Binary;
using System.Text;
using Gatsbi.Simulation.External;

namespace Gatsbi.Tests.Simulation;

/// <summary>Reply parsing of the two external simulator protocols, without a worker process.</summary>
public sealed class WireProtocolTests
{
    private static List<WireReply> Replies(WireProtocol protocol, byte[] output)
    {
        var replies = new List<WireReply>();
        protocol.ReadReplies(new StreamReader(new MemoryStream(output)), replies.Add);
        return replies;
    }

    [Theory]
    [InlineData("inf -inf nan", float.PositiveInfinity, float.NegativeInfinity, float.NaN)]
    [InlineData("+inf,Infinity,-Infinity", float.PositiveInfinity, float.PositiveInfinity, float.NegativeInfinity)]
    [InlineData("NaN\tINF\t-1.5e3", float.NaN, float.PositiveInfinity, -1500f)]
    public void Line_replies_read_numbers_as_csv_files_do(string line, float a, float b, float c)
    {
        var protocol = WireProtocol.For(ExternalProtocol.Line);
        var x = new float[1, 3];
        Assert.Null(protocol.Store(Replies(protocol, Encoding.UTF8.GetBytes(line + "\n")).Single(), x, 0, 1));
        Assert.Equal(new[] { a, b, c }, new[] { x[0, 0], x[0, 1], x[0, 2] });
    }

    [Fact]
    public void A_binary_frame_declaring_more_than_arrives_is_a_broken_reply_without_allocating_for_it()
    {
        // 1 × 0x03000000 values: 400 MB declared, 16 bytes sent.
        var frame = new byte[24];
        BinaryPrimitives.WriteInt32LittleEndian(frame, 1);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), 0x03000000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var reply = Assert.IsType<BrokenReply>(Replies(WireProtocol.For(ExternalProtocol.Binary), frame).Single());
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0L, 16L << 20); // allocated as the bytes arrive
        Assert.Equal("its output ended inside a reply of 1 rows × 50331648 values (16 of 402653184 bytes)", reply.Problem);
    }
}
