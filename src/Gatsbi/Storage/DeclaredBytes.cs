namespace Gatsbi.Storage;

/// <summary>
/// Reads as many bytes as a header declares, allocating only as they arrive. A damaged size field (one
/// flipped bit can declare gigabytes) then fails as a truncated file, naming it, instead of allocating
/// for data that is not there first.
/// </summary>
internal static class DeclaredBytes
{
    private const int FirstBlock = 1 << 20;

    /// <summary>The next <paramref name="count"/> bytes of <paramref name="stream"/>, or fewer when it ends first.</summary>
    public static byte[] Read(Stream stream, int count)
    {
        var buffer = new byte[Math.Min(count, FirstBlock)];
        int filled = 0;
        while (true)
        {
            filled += stream.ReadAtLeast(buffer.AsSpan(filled), buffer.Length - filled, throwOnEndOfStream: false);
            if (filled < buffer.Length) return buffer[..filled];
            if (filled == count) return buffer;
            Array.Resize(ref buffer, (int)Math.Min(count, 2L * buffer.Length));
        }
    }

    /// <summary>
    /// The bytes left in <paramref name="stream"/>: from its length when it can seek, else by reading them
    /// (which, for a <see cref="CheckedGzipStream"/>, also checks the rest of the file).
    /// </summary>
    public static long Remaining(Stream stream)
    {
        if (stream.CanSeek) return stream.Length - stream.Position;
        long count = 0;
        var sink = new byte[1 << 16];
        int read;
        while ((read = stream.Read(sink)) > 0) count += read;
        return count;
    }
}
