namespace Gatsbi.Storage;

/// <summary>
/// The CRC-32 of gzip trailers (RFC 1952, section 8) and PNG chunks (the same polynomial, reflected,
/// 0xEDB88320). Written out here because the framework's implementation (System.IO.Hashing) is a separate
/// package and these few lines are all the readers need.
/// </summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32 of <paramref name="bytes"/> appended to data whose CRC-32 is <paramref name="crc"/> (0 for no data).</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> bytes)
    {
        uint c = ~crc;
        foreach (byte b in bytes) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return ~c;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
