using System.Buffers.Binary;
using System.IO.Compression;

namespace Gatsbi.Storage;

/// <summary>
/// Decompresses a gzip file (RFC 1952: one or more members, each a header, DEFLATE data and a trailer with
/// the CRC-32 and length of the member's bytes) and checks all of it: every member's trailer (and header
/// CRC-16, when there is one), that the last member is complete, and that nothing but members follows the first. <see cref="GZipStream"/> checks a
/// trailer only when it gets to one: input that stops inside a member just ends its output, so a truncated
/// .csv.gz read as a shorter table with its last number cut, and bytes after a member that do not start
/// another one (a damaged second member, say) were dropped without a word. Every problem is an
/// <see cref="InvalidDataException"/> whose message starts with the file's name.
/// <para>
/// The DEFLATE data is inflated by <see cref="DeflateStream"/>, which does not say where the data ended:
/// it reads its input in blocks and keeps what it did not need. The member's end is therefore found where
/// its trailer stands: in the last block read, the first place whose 8 bytes are the CRC-32 and length of
/// what was inflated (a false match needs 64 bits to agree by chance). That block is read again from the
/// file, which is why the input must be seekable. When not exactly one place matches, the exact end is
/// worked out instead (<see cref="DataEnd"/>).
/// </para>
/// </summary>
internal sealed class CheckedGzipStream : Stream
{
    private const int HeaderLength = 10;
    private const int TrailerLength = 8;
    private const byte DeflateMethod = 8;
    private const byte HeaderCrcFlag = 2, ExtraFlag = 4, NameFlag = 8, CommentFlag = 16, ReservedFlags = 0xE0;

    private readonly Stream _file;
    private readonly string _source;
    private readonly bool _endMayBeCutOff;
    private ReadTracker? _input;
    private DeflateStream? _inflater;
    private int _members;
    private uint _crc;
    private long _memberLength;
    private long _memberDataStart;
    private bool _ended;

    private CheckedGzipStream(Stream file, string source, bool endMayBeCutOff)
    {
        _file = file;
        _source = source;
        _endMayBeCutOff = endMayBeCutOff;
    }

    /// <summary>Opens <paramref name="path"/>; the stream's errors name it.</summary>
    /// <param name="path">The gzip file.</param>
    /// <param name="endMayBeCutOff">
    /// Whether a last member cut off by the end of the file (a writer that was stopped mid-append) ends the
    /// stream instead of failing it; <see cref="EndIsCutOff"/> then says so, and <see cref="CompleteLength"/>
    /// says how much of the output came from complete, checked members. Damage anywhere fails either way.
    /// </param>
    public static CheckedGzipStream Open(string path, bool endMayBeCutOff = false) =>
        new(File.OpenRead(path), path, endMayBeCutOff);

    /// <summary>Bytes of output that came from members whose trailer has been checked.</summary>
    public long CompleteLength { get; private set; }

    /// <summary>True when the stream ended at a last member cut off by the end of the file (only when that is allowed).</summary>
    public bool EndIsCutOff { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        while (!_ended)
        {
            if (_inflater is null && !StartMember())
            {
                _ended = true;
                break;
            }
            int read;
            try
            {
                read = _inflater!.Read(buffer);
            }
            catch (InvalidDataException e)
            {
                // DeflateStream's own message ("…an unsupported compression method") misleads; say what it means.
                throw new InvalidDataException($"{_source}: the gzip data is corrupt: the compressed data of member {_members} is not valid DEFLATE data.", e);
            }
            if (read > 0)
            {
                _crc = Crc32.Append(_crc, buffer[..read]);
                _memberLength += read;
                return read;
            }
            EndMember();
        }
        return 0;
    }

    /// <summary>Reads the next member's header and starts inflating its data; false at the end of the file after a member.</summary>
    private bool StartMember()
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        long start = _file.Position;
        int got = _file.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false);
        if (got == 0)
        {
            if (_members > 0) return false;
            if (_endMayBeCutOff) return CutOff("before its first member");
            throw Error("the file is empty; expected gzip data.");
        }
        if (header[0] != 0x1F || (got > 1 && header[1] != 0x8B))
            throw Error(_members == 0
                ? $"not a gzip file: it starts with the bytes {Convert.ToHexString(header[..Math.Min(got, 2)])}; expected 1F8B."
                : $"the {_file.Length - start} bytes after gzip member {_members} are not another member: they start with {Convert.ToHexString(header[..Math.Min(got, 2)])}; expected 1F8B.");
        _members++;
        if (got < HeaderLength) return CutOff($"inside the header of member {_members}");
        if (header[2] != DeflateMethod)
            throw Error($"gzip member {_members} uses compression method {header[2]}; expected {DeflateMethod} (deflate).");
        byte flags = header[3];
        if ((flags & ReservedFlags) != 0)
            throw Error($"the header of gzip member {_members} sets reserved flag bits (flags 0x{flags:X2}); the data is corrupt.");
        if ((flags & ExtraFlag) != 0)
        {
            Span<byte> length = stackalloc byte[2];
            if (!Skip(length) || !Skip(new byte[BinaryPrimitives.ReadUInt16LittleEndian(length)]))
                return CutOff($"inside the header of member {_members}");
        }
        if ((flags & NameFlag) != 0 && !SkipZeroTerminated() || (flags & CommentFlag) != 0 && !SkipZeroTerminated())
            return CutOff($"inside the header of member {_members}");
        if ((flags & HeaderCrcFlag) != 0 && !CheckHeaderCrc(start))
            return CutOff($"inside the header of member {_members}");
        _crc = 0;
        _memberLength = 0;
        _memberDataStart = _file.Position;
        _input = new ReadTracker(_file);
        _inflater = new DeflateStream(_input, CompressionMode.Decompress, leaveOpen: true);
        return true;
    }

    /// <summary>After the member's data is inflated: finds and checks its trailer and moves the file to what follows it.</summary>
    private void EndMember()
    {
        _inflater!.Dispose();
        _inflater = null;
        var input = _input!;
        _input = null;
        // DeflateStream asks for more input only while the DEFLATE data is unfinished.
        if (input.ReachedEnd)
        {
            CutOff($"before the end-of-stream marker of member {_members}");
            return;
        }
        Span<byte> trailer = stackalloc byte[TrailerLength];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, _crc);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], (uint)_memberLength);
        long from = input.LastReadStart;
        var window = new byte[Math.Min(input.LastReadEnd + TrailerLength, _file.Length) - from];
        _file.Position = from;
        _file.ReadExactly(window);
        int limit = (int)(input.LastReadEnd - from) + 1; // the data ends after the block's first byte, at its end at the latest
        int at = IndexOf(window, trailer, limit, 0);
        bool unique = at >= 0 && IndexOf(window, trailer, limit, at + 1) < 0;
        CheckTrailer(unique ? from + at : DataEnd(from), trailer);
    }

    /// <summary>The first place from <paramref name="start"/> on, and before <paramref name="limit"/>, where <paramref name="trailer"/> stands in <paramref name="window"/>; -1 if none.</summary>
    private static int IndexOf(byte[] window, ReadOnlySpan<byte> trailer, int limit, int start)
    {
        int at = start >= limit ? -1 : window.AsSpan(start).IndexOf(trailer);
        return at >= 0 && start + at < limit ? start + at : -1;
    }

    /// <summary>
    /// Where the current member's DEFLATE data ends, worked out exactly when the trailer was not found once
    /// (none matched, or several did: an empty member's trailer is all zeros, as the end of its data may
    /// be): the member is inflated again, its last block one byte at a time, so that no byte beyond the
    /// data is taken.
    /// </summary>
    private long DataEnd(long lastBlockStart)
    {
        _file.Position = _memberDataStart;
        var input = new ReadTracker(_file, oneByteFrom: lastBlockStart);
        using var inflater = new DeflateStream(input, CompressionMode.Decompress, leaveOpen: true);
        // Not CopyTo: DeflateStream's CopyTo reads its input to the end, past the data.
        var sink = new byte[1 << 16];
        while (inflater.Read(sink) > 0) { }
        return input.LastReadEnd;
    }

    /// <summary>
    /// Checks the trailer at <paramref name="start"/> against <paramref name="expected"/> and moves the file
    /// past it. A trailer cut short by the end of the file is a truncation; any other mismatch is corruption.
    /// </summary>
    private void CheckTrailer(long start, ReadOnlySpan<byte> expected)
    {
        _file.Position = start;
        Span<byte> found = stackalloc byte[TrailerLength];
        int got = _file.ReadAtLeast(found, TrailerLength, throwOnEndOfStream: false);
        if (found[..got].SequenceEqual(expected[..got]))
        {
            if (got < TrailerLength)
            {
                CutOff($"inside the trailer of member {_members} ({got} of its {TrailerLength} bytes are there)");
                return;
            }
            CompleteLength += _memberLength;
            return;
        }
        string trailer = got < TrailerLength
            ? $"its trailer is cut off after {got} of {TrailerLength} bytes, which do not match"
            : $"its trailer says {BinaryPrimitives.ReadUInt32LittleEndian(found[4..])} bytes (modulo 2^32) with CRC-32 {BinaryPrimitives.ReadUInt32LittleEndian(found):X8}";
        throw Error($"the gzip data is corrupt: member {_members} decompresses to {_memberLength} bytes with CRC-32 {_crc:X8}, but {trailer}.");
    }

    /// <summary>A member cut off by the end of the file: ends the stream when allowed, else fails naming where the file ends.</summary>
    private bool CutOff(string where)
    {
        if (!_endMayBeCutOff)
            throw Error($"the gzip stream is truncated: the file ends {where}.");
        EndIsCutOff = true;
        _ended = true;
        return false;
    }

    /// <summary>
    /// Checks the optional CRC-16 that follows the header fields, the low half of the CRC-32 of the header
    /// from <paramref name="start"/> on (zlib checks it too); false when the file ends inside it.
    /// </summary>
    private bool CheckHeaderCrc(long start)
    {
        long end = _file.Position;
        Span<byte> stored = stackalloc byte[2];
        if (!Skip(stored)) return false;
        var header = new byte[end - start];
        _file.Position = start;
        _file.ReadExactly(header);
        _file.Position = end + stored.Length;
        uint computed = Crc32.Append(0, header) & 0xFFFF;
        if (computed != BinaryPrimitives.ReadUInt16LittleEndian(stored))
            throw Error($"the header of gzip member {_members} is corrupt: its CRC-16 is {BinaryPrimitives.ReadUInt16LittleEndian(stored):X4}, but its bytes give {computed:X4}.");
        return true;
    }

    private bool Skip(Span<byte> field) => _file.ReadAtLeast(field, field.Length, throwOnEndOfStream: false) == field.Length;

    private bool SkipZeroTerminated()
    {
        int b;
        while ((b = _file.ReadByte()) > 0) { }
        return b == 0;
    }

    private InvalidDataException Error(string problem) => new($"{_source}: {problem}");

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inflater?.Dispose();
            _file.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>
    /// Passes reads through to the file and remembers where the last one was, and whether one found the end;
    /// from <paramref name="oneByteFrom"/> on it passes one byte per read, so that the reader takes no byte it does not need.
    /// </summary>
    private sealed class ReadTracker(Stream file, long oneByteFrom = long.MaxValue) : Stream
    {
        public long LastReadStart { get; private set; }
        public long LastReadEnd { get; private set; }
        public bool ReachedEnd { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            LastReadStart = file.Position;
            if (LastReadStart >= oneByteFrom && buffer.Length > 1) buffer = buffer[..1];
            int read = file.Read(buffer);
            LastReadEnd = LastReadStart + read;
            if (read == 0 && !buffer.IsEmpty) ReachedEnd = true;
            return read;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
