using System.Buffers.Binary;

namespace Gatsbi.Storage;

/// <summary>
/// Checks an image file before StbImageSharp decodes it, for what that decoder (a port of stb_image) does
/// not: it picks the format from the content, so a PNG whose signature is damaged may decode as a TGA
/// (which has no signature); it skips PNG's chunk checksums; and it reads past the end of a cut-off file
/// as zeros. So the content must start as its extension says, a PNG's chunks must all match their CRC-32
/// up to IEND, and BMP, JPEG and GIF files must reach the end their format marks: the pixel array, the
/// end-of-image marker, the trailer byte. TGA and PSD files have nothing to check against. Every problem
/// is an <see cref="InvalidDataException"/> naming the file.
/// </summary>
internal static class ImageIntegrity
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Checks <paramref name="bytes"/>, the content of <paramref name="file"/>, as the format of its extension.</summary>
    /// <exception cref="InvalidDataException">The content is not of that format, or is truncated or corrupt.</exception>
    public static void Check(string file, byte[] bytes)
    {
        switch (Path.GetExtension(file).ToLowerInvariant())
        {
            case ".png":
                ExpectSignature(file, bytes, PngSignature, "PNG");
                CheckPngChunks(file, bytes);
                break;
            case ".jpg" or ".jpeg":
                ExpectSignature(file, bytes, [0xFF, 0xD8, 0xFF], "JPEG");
                CheckJpegEnd(file, bytes);
                break;
            case ".bmp":
                ExpectSignature(file, bytes, "BM"u8, "BMP");
                CheckBmpLength(file, bytes);
                break;
            case ".gif":
                if (!bytes.AsSpan().StartsWith("GIF87a"u8) && !bytes.AsSpan().StartsWith("GIF89a"u8))
                    throw new InvalidDataException($"{file}: not a GIF file: it does not start with GIF87a or GIF89a.");
                if (bytes[^1] != 0x3B)
                    throw new InvalidDataException($"{file}: the GIF file is truncated: it ends with the byte {bytes[^1]:X2}, not with the trailer 3B.");
                break;
            case ".psd":
                ExpectSignature(file, bytes, "8BPS"u8, "PSD");
                break;
        }
    }

    private static void ExpectSignature(string file, byte[] bytes, ReadOnlySpan<byte> signature, string format)
    {
        if (!bytes.AsSpan().StartsWith(signature))
            throw new InvalidDataException(
                $"{file}: not a {format} file: it starts with the bytes {Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, signature.Length)))}; expected {Convert.ToHexString(signature)}.");
    }

    /// <summary>Walks the chunks (big-endian length, type, data, CRC-32 of type and data) from the signature to IEND; bytes after IEND are ignored, as PNG decoders ignore them.</summary>
    private static void CheckPngChunks(string file, byte[] bytes)
    {
        int at = PngSignature.Length;
        for (int index = 0; ; index++)
        {
            if (bytes.Length - at < 12)
                throw new InvalidDataException($"{file}: the PNG file is truncated: it ends at byte {bytes.Length}, inside chunk {index + 1}, before the IEND chunk.");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at));
            var type = bytes.AsSpan(at + 4, 4);
            string name = type.ToArray().All(b => char.IsAsciiLetter((char)b)) ? System.Text.Encoding.ASCII.GetString(type) : Convert.ToHexString(type);
            if (length > bytes.Length - at - 12)
                throw new InvalidDataException(
                    $"{file}: the PNG file is truncated or corrupt: chunk {index + 1} ('{name}', at byte {at}) declares {length} bytes of data, but the file has {bytes.Length - at - 12} after its header.");
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at + 8 + (int)length));
            uint computed = Crc32.Append(0, bytes.AsSpan(at + 4, 4 + (int)length));
            if (stored != computed)
                throw new InvalidDataException(
                    $"{file}: the PNG file is corrupt: chunk {index + 1} ('{name}', at byte {at}) has CRC-32 {computed:X8}, but its stored CRC-32 is {stored:X8}.");
            if (index == 0 && name != "IHDR")
                throw new InvalidDataException($"{file}: the PNG file is corrupt: its first chunk is '{name}'; expected 'IHDR'.");
            if (name == "IEND") return;
            at += 12 + (int)length;
        }
    }

    /// <summary>
    /// Walks the segments before the first scan by their lengths (so that the scan of an embedded thumbnail
    /// is skipped), then looks for the end-of-image marker after it: entropy-coded data cannot hold the bytes
    /// FF D9, so a file cut off anywhere after its headers lacks it.
    /// </summary>
    private static void CheckJpegEnd(string file, byte[] bytes)
    {
        int at = 2;
        while (true)
        {
            if (at + 4 > bytes.Length)
                throw new InvalidDataException($"{file}: the JPEG file is truncated: it ends at byte {bytes.Length}, before its image data.");
            if (bytes[at] != 0xFF)
                throw new InvalidDataException($"{file}: the JPEG file is corrupt: expected a marker (FF) at byte {at}, got {bytes[at]:X2}.");
            byte marker = bytes[at + 1];
            if (marker == 0xDA) break; // start of scan
            at += marker is 0xFF ? 1 // fill byte
                : marker is 0x01 or (>= 0xD0 and <= 0xD9) ? 2 // markers without a length
                : 2 + BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at + 2));
        }
        if (bytes.AsSpan(at).LastIndexOf([(byte)0xFF, (byte)0xD9]) < 0)
            throw new InvalidDataException($"{file}: the JPEG file is truncated: it has no end-of-image marker (FFD9) after the start of its image data at byte {at}.");
    }

    /// <summary>For uncompressed pixels (BI_RGB, BI_BITFIELDS), whether the file reaches the end of the pixel array its header places.</summary>
    private static void CheckBmpLength(string file, byte[] bytes)
    {
        const int FileHeaderSize = 14;
        if (bytes.Length < FileHeaderSize + 4)
            throw new InvalidDataException($"{file}: the BMP file is truncated: {bytes.Length} bytes, less than its headers need.");
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(10));
        long headerSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(FileHeaderSize));
        if (FileHeaderSize + headerSize > bytes.Length)
            throw new InvalidDataException(
                $"{file}: the BMP file is truncated or corrupt: its {headerSize}-byte image header ends at byte {FileHeaderSize + headerSize}, but the file has {bytes.Length} bytes.");
        long width, height, bitsPerPixel, compression = 0;
        if (headerSize == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(18));
            height = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(20));
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(24));
        }
        else if (headerSize >= 40)
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(18));
            height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(22))); // negative: rows stored top-down
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(28));
            compression = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(30));
        }
        else
        {
            return; // a header the decoder judges
        }
        if (compression is not (0 or 3) || width <= 0) return;
        long rowBytes = (bitsPerPixel * width + 31) / 32 * 4; // rows are padded to 4 bytes
        long end = offset + rowBytes * height;
        if (end > bytes.Length)
            throw new InvalidDataException(
                $"{file}: the BMP file is truncated: its {width}×{height} pixels of {bitsPerPixel} bits end at byte {end}, but the file has {bytes.Length} bytes.");
    }
}
