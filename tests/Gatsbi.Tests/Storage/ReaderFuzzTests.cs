using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Gatsbi.Nn;
using Gatsbi.Posteriors;
using Gatsbi.Simulation.External;
using Gatsbi.Storage;
using Gatsbi.Tests.Core;
using SkiaSharp;

namespace Gatsbi.Tests.Storage;

/// <summary>
/// Feeds every reader valid inputs and damaged copies of them (<see cref="InputMutator"/>) and checks the
/// promise of issue 17, "nothing lost, nothing silently wrong": each input either reads, correctly when it
/// is still the valid one, or fails with an <see cref="InvalidDataException"/> that names the file. Formats
/// with a checksum (gzip, model files, PNG) must moreover never read damaged data as anything but the
/// original; formats whose header fixes the size must reject every truncation. The bench's
/// <c>fuzz-readers</c> command (bench/Gatsbi.Bench/FuzzReaders.cs) runs the same at scale.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ReaderFuzzTests : TorchTest, IDisposable
{
    private const int Cases = 300;
    private const int Seed = 17;
    private static readonly Lazy<byte[]> Model = new(SaveModel);
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>What a reader promises beyond "reads, or fails naming the file".</summary>
    private enum Guarantee
    {
        /// <summary>Nothing more: damaged text can still be valid text.</summary>
        NamedErrors,
        /// <summary>The header fixes the data's size, so a truncated input never reads.</summary>
        TruncationFails,
        /// <summary>A checksum covers everything, so damaged input reads as the original or not at all.</summary>
        DamageFailsOrReadsExactly,
    }

    /// <summary>A valid input and the fingerprint of what it must read as.</summary>
    private sealed record ValidInput(byte[] Bytes, string Expected)
    {
        /// <summary>Lengths at which a cut leaves a valid input, which may then read: nothing marks the end of a gzip file of several members but the end of one.</summary>
        public int[] CleanCuts { get; init; } = [];

        /// <summary>Files that must lie beside the input.</summary>
        public (string Name, byte[] Bytes)[] Beside { get; init; } = [];
    }

    /// <summary>A reader under test: makes valid inputs, and reads a file into a fingerprint that two equal reads share.</summary>
    private sealed record Target(string FileName, Guarantee Guarantee, Func<Random, ValidInput> MakeValid, Func<string, string> Read);

    private static readonly Dictionary<string, Target> Targets = new()
    {
        ["csv"] = new("m.csv", Guarantee.NamedErrors, random => ValidCsv(random, gzip: false), path => Fingerprint(CsvMatrix.Read(path))),
        ["csv.gz"] = new("m.csv.gz", Guarantee.DamageFailsOrReadsExactly, random => ValidCsv(random, gzip: true), path => Fingerprint(CsvMatrix.Read(path))),
        ["npy"] = new("m.npy", Guarantee.TruncationFails, ValidNpy, path => Fingerprint(NpyFile.Read(path))),
        ["idx"] = new("images", Guarantee.TruncationFails, random => ValidIdx(random, gzip: false), path => Fingerprint(IdxFile.ReadImages(path))),
        ["idx.gz"] = new("images.gz", Guarantee.DamageFailsOrReadsExactly, random => ValidIdx(random, gzip: true), path => Fingerprint(IdxFile.ReadImages(path))),
        ["png folder"] = new("b.png", Guarantee.DamageFailsOrReadsExactly, random => ValidImageFolder(random, Png, ".png"), path => Fingerprint(ImageFolder.Read(Path.GetDirectoryName(path)!))),
        ["bmp folder"] = new("b.bmp", Guarantee.TruncationFails, random => ValidImageFolder(random, Bmp, ".bmp"), path => Fingerprint(ImageFolder.Read(Path.GetDirectoryName(path)!))),
        ["model"] = new("m.gatsbi", Guarantee.DamageFailsOrReadsExactly, _ => new(Model.Value, ModelFingerprint), ReadModel),
        ["line reply"] = new("reply.txt", Guarantee.NamedErrors, ValidLineReply, path => ReadReply(path, ExternalProtocol.Line)),
        ["binary reply"] = new("reply.bin", Guarantee.TruncationFails, ValidBinaryReply, path => ReadReply(path, ExternalProtocol.Binary)),
    };

    public static TheoryData<string> Readers => new(Targets.Keys);

    [Theory]
    [MemberData(nameof(Readers))]
    public void Damaged_inputs_read_correctly_or_fail_naming_the_file(string reader)
    {
        var target = Targets[reader];
        int read = 0, named = 0;
        var failures = new List<string>();
        for (int index = 0; index < Cases; index++)
        {
            var random = new Random(Seed * 100_003 + index);
            var folder = Directory.CreateDirectory(Path.Combine(_temp.Path, $"{reader.Replace(' ', '-')}-{index}")).FullName;
            var input = target.MakeValid(random);
            var (valid, expected) = input;
            foreach (var (name, content) in input.Beside) File.WriteAllBytes(Path.Combine(folder, name), content);
            var (mutation, bytes) = InputMutator.Mutate(valid, random);
            if (bytes.AsSpan().SequenceEqual(valid)) mutation = Mutation.None;
            string path = Path.Combine(folder, target.FileName);
            File.WriteAllBytes(path, bytes);
            string? problem;
            try
            {
                string got = target.Read(path);
                read++;
                problem = mutation == Mutation.None && got != expected ? "the valid input read wrongly"
                    : mutation == Mutation.Truncate && !input.CleanCuts.Contains(bytes.Length) && target.Guarantee != Guarantee.NamedErrors ? "a truncated input read without an error"
                    : target.Guarantee == Guarantee.DamageFailsOrReadsExactly && got != expected && !input.CleanCuts.Contains(bytes.Length) ? "damaged input read as something else than the original"
                    : null;
            }
            catch (InvalidDataException e) when (e.Message.Contains(path, StringComparison.Ordinal) || e.Message.Contains(folder, StringComparison.Ordinal))
            {
                named++;
                problem = mutation == Mutation.None ? $"the valid input was rejected: {e.Message}" : null;
            }
            catch (Exception e)
            {
                problem = $"unexpected {e.GetType().Name}: {e.Message}";
            }
            if (problem is not null) failures.Add($"case {index} ({mutation}): {problem}");
            else Directory.Delete(folder, recursive: true);
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {Cases} {reader} cases failed:\n{string.Join('\n', failures.Take(10))}");
        // Both outcomes occur, or the mutator or the valid inputs would be broken.
        Assert.InRange(read, 1, Cases - 1);
        Assert.InRange(named, 1, Cases - 1);
    }

    // ---- Valid inputs and fingerprints: what was read, as a string that two equal reads share ----

    private static string Fingerprint(NamedMatrix m) => string.Join(",", m.ColumnNames) + "|" + Fingerprint(m.Values);

    private static string Fingerprint(float[,] m) =>
        $"{m.GetLength(0)}x{m.GetLength(1)}:" + string.Join(",", m.AsSpan().ToArray().Select(v => float.IsNaN(v) ? "NaN" : BitConverter.SingleToInt32Bits(v).ToString(CultureInfo.InvariantCulture)));

    private static string Fingerprint(ImageSet set) => $"{set.Height}x{set.Width}/" + Fingerprint(set.Pixels);

    /// <summary>A random table written with every spelling of the non-finite values, CRLF or LF line ends, blank lines and an optional last line end; gzip-compressed as one member or several.</summary>
    private static ValidInput ValidCsv(Random random, bool gzip)
    {
        int rows = random.Next(0, 12), columns = random.Next(1, 5);
        var names = Enumerable.Range(1, columns).Select(j => $"c{j}").ToArray();
        var values = new float[rows, columns];
        string eol = random.Next(2) == 0 ? "\n" : "\r\n";
        var lines = new List<string> { string.Join(",", names) };
        for (int i = 0; i < rows; i++)
        {
            var cells = new string[columns];
            for (int j = 0; j < columns; j++)
            {
                (values[i, j], cells[j]) = RandomNumber(random);
            }
            lines.Add(string.Join(",", cells));
            if (random.Next(10) == 0) lines.Add("");
        }
        var bytes = Encoding.UTF8.GetBytes(string.Join(eol, lines) + (random.Next(3) == 0 ? "" : eol));
        return Compressed(bytes, Fingerprint(new NamedMatrix(names, values)), gzip, random);
    }

    /// <summary>A float and a text that must parse to it: round-trip decimals, and NaN and the infinities as NumPy, pandas, C and .NET spell them.</summary>
    private static (float, string) RandomNumber(Random random) => random.Next(12) switch
    {
        0 => (float.NaN, Pick(random, "nan", "NaN", "NAN", "-nan")),
        1 => (float.PositiveInfinity, Pick(random, "inf", "+inf", "Inf", "INF", "Infinity", "infinity", "+Infinity")),
        2 => (float.NegativeInfinity, Pick(random, "-inf", "-Inf", "-Infinity", "-INFINITY")),
        _ => RoundTrip((float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-40, 39)))),
    };

    private static (float, string) RoundTrip(float value) => (value, value.ToString("R", CultureInfo.InvariantCulture));

    private static string Pick(Random random, params string[] options) => options[random.Next(options.Length)];

    /// <summary>
    /// <paramref name="content"/> split into one to three gzip members, the first sometimes with a file name
    /// in its header as gzip(1) writes it, and the lengths at which a member ends before the last.
    /// </summary>
    private static (byte[] Bytes, int[] CleanCuts) GzipMembers(byte[] content, Random random)
    {
        int members = random.Next(1, 4);
        var cuts = Enumerable.Range(0, members - 1).Select(_ => random.Next(content.Length + 1)).Append(0).Append(content.Length).Order().ToArray();
        var file = new List<byte>();
        var ends = new List<int>();
        for (int m = 0; m + 1 < cuts.Length; m++)
        {
            var member = Gzip(content[cuts[m]..cuts[m + 1]]);
            if (m == 0 && random.Next(2) == 0)
            {
                member[3] |= 8; // FNAME: a zero-terminated name follows the 10-byte header
                member = [.. member[..10], .. "m.csv\0"u8, .. member[10..]];
            }
            file.AddRange(member);
            ends.Add(file.Count);
        }
        return (file.ToArray(), ends.SkipLast(1).ToArray());
    }

    private static ValidInput Compressed(byte[] content, string expected, bool gzip, Random random)
    {
        if (!gzip) return new(content, expected);
        var (bytes, cleanCuts) = GzipMembers(content, random);
        return new(bytes, expected) { CleanCuts = cleanCuts };
    }

    private static byte[] Gzip(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(content);
        // GZipStream writes nothing at all for no content; gzip(1) writes an empty member.
        return buffer.Length > 0 ? buffer.ToArray() : [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    }

    private static ValidInput ValidNpy(Random random)
    {
        var values = new float[random.Next(0, 10), random.Next(1, 5)];
        for (int i = 0; i < values.GetLength(0); i++)
            for (int j = 0; j < values.GetLength(1); j++) values[i, j] = RandomNumber(random).Item1;
        using var buffer = new MemoryStream();
        buffer.Write(NpyHeader.Float32Matrix(values.GetLength(0), values.GetLength(1)));
        NpyFile.WriteRows(buffer, values);
        return new(buffer.ToArray(), Fingerprint(values));
    }

    private static ValidInput ValidIdx(Random random, bool gzip)
    {
        int count = random.Next(0, 6), rows = random.Next(1, 5), columns = random.Next(1, 5);
        var bytes = new byte[16 + count * rows * columns];
        BinaryPrimitives.WriteInt32BigEndian(bytes, IdxFile.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        random.NextBytes(bytes.AsSpan(16));
        var pixels = new float[count, rows * columns];
        for (int k = 0; k < pixels.Length; k++) pixels[k / (rows * columns), k % (rows * columns)] = bytes[16 + k] / 255f;
        return Compressed(bytes, $"{rows}x{columns}/" + Fingerprint(pixels), gzip, random);
    }

    /// <summary>The middle one of three equally sized images of random grey pixels, a, b and c; the set read must hold all three.</summary>
    private static ValidInput ValidImageFolder(Random random, Func<byte[], int, int, byte[]> encode, string extension)
    {
        int height = random.Next(1, 7), width = random.Next(1, 7);
        var images = new byte[3][];
        var pixels = new float[3, height * width];
        for (int i = 0; i < 3; i++)
        {
            images[i] = new byte[height * width];
            random.NextBytes(images[i]);
            for (int p = 0; p < images[i].Length; p++) pixels[i, p] = images[i][p] / 255f;
        }
        return new(encode(images[1], height, width), $"{height}x{width}/" + Fingerprint(pixels))
        {
            Beside = [("a" + extension, encode(images[0], height, width)), ("c" + extension, encode(images[2], height, width))],
        };
    }

    /// <summary>A 24-bit BMP (rows bottom-up, padded to 4 bytes) whose grey pixels stb's luma maps back to themselves.</summary>
    internal static byte[] Bmp(byte[] grey, int height, int width)
    {
        int row = (3 * width + 3) / 4 * 4;
        var bytes = new byte[54 + row * height];
        "BM"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(2), bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(28), 24);
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
                bytes.AsSpan(54 + (height - 1 - r) * row + 3 * c, 3).Fill(grey[r * width + c]);
        return bytes;
    }

    private static byte[] Png(byte[] grey, int height, int width)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        for (int r = 0; r < height; r++)
            System.Runtime.InteropServices.Marshal.Copy(grey, r * width, bitmap.GetPixels() + r * bitmap.RowBytes, width);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private const string ModelFingerprint = "GatsbiPosterior v2 theta | x1,x2";

    /// <summary>A small GATSBI posterior's model file.</summary>
    private static byte[] SaveModel()
    {
        using var temp = new TempFolder();
        var path = temp.File("m.gatsbi");
        TorchSharp.torch.manual_seed(3);
        using var posterior = new GatsbiPosterior(new ConditionalGenerator(2, 1, new GeneratorSpec([8], NoiseAfterLayer: 1, LatentDimension: 2, LeakyOutput: false)), null);
        PosteriorFile.Save(path, posterior, new ModelInfo(["theta"], ["x1", "x2"], new Dictionary<string, string>()));
        return File.ReadAllBytes(path);
    }

    private static string ReadModel(string path)
    {
        using var loaded = PosteriorFile.Load(path);
        return $"{loaded.Posterior.GetType().Name} v{loaded.FormatVersion} {string.Join(",", loaded.Info.ParameterNames)} | {string.Join(",", loaded.Info.DataNames)}";
    }

    private const int ReplyColumns = 3;

    /// <summary>One line of three numbers in any spelling, separated by spaces, tabs or commas.</summary>
    private static ValidInput ValidLineReply(Random random)
    {
        var x = new float[1, ReplyColumns];
        var tokens = new string[ReplyColumns];
        for (int j = 0; j < ReplyColumns; j++)
        {
            (x[0, j], tokens[j]) = RandomNumber(random);
            // The protocol parses doubles; the float's exact double makes the float come back bit for bit.
            if (float.IsFinite(x[0, j])) tokens[j] = ((double)x[0, j]).ToString("R", CultureInfo.InvariantCulture);
        }
        return new(Encoding.UTF8.GetBytes(string.Join(Pick(random, " ", "\t", ",", ", "), tokens) + "\n"), Fingerprint(x));
    }

    /// <summary>A frame of two rows of three doubles.</summary>
    private static ValidInput ValidBinaryReply(Random random)
    {
        var x = new float[2, ReplyColumns];
        var frame = new byte[8 + 8 * x.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, 2);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), ReplyColumns);
        for (int k = 0; k < x.Length; k++)
        {
            x[k / ReplyColumns, k % ReplyColumns] = RandomNumber(random).Item1;
            BinaryPrimitives.WriteDoubleLittleEndian(frame.AsSpan(8 + 8 * k), x[k / ReplyColumns, k % ReplyColumns]);
        }
        return new(frame, Fingerprint(x));
    }

    /// <summary>
    /// Parses a worker's output as the simulator does, expecting the reply to one request. A problem is what
    /// the simulator reports as an <see cref="ExternalSimulatorException"/> naming the worker and the row
    /// (ExternalSimulatorTests); here it becomes the error naming the file that the harness looks for.
    /// </summary>
    private static string ReadReply(string path, ExternalProtocol protocol)
    {
        var wire = WireProtocol.For(protocol);
        var replies = new List<WireReply>();
        using (var output = new StreamReader(path)) wire.ReadReplies(output, replies.Add);
        var x = new float[protocol == ExternalProtocol.Line ? 1 : 2, ReplyColumns];
        string? problem = replies.Count == 0 ? "the worker closed its standard output without replying" : wire.Store(replies[0], x, 0, x.GetLength(0));
        return problem is null ? Fingerprint(x) : throw new InvalidDataException($"{path}: {problem}");
    }
}
