using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Gatsbi.Native;
using Gatsbi.Nn;
using Gatsbi.Posteriors;
using Gatsbi.Randomness;
using Gatsbi.Simulation;
using Gatsbi.Simulation.External;
using Gatsbi.Storage;
using Gatsbi.Tests.Storage;

namespace Gatsbi.Bench;

/// <summary>
/// Fuzzes every file reader at scale: valid inputs and damaged copies of them (<see cref="InputMutator"/>),
/// each read and classified. An input must read, correctly when it is still the valid one, or fail with an
/// <see cref="InvalidDataException"/> naming the file (an <see cref="ExternalSimulatorException"/> naming
/// the worker, for simulator replies, which are replayed by a shell worker). Formats with a checksum must
/// never read damaged data as anything but the original, and formats whose header fixes the size must
/// reject every truncation; breaking either counts as a wrong read. tests/Gatsbi.Tests/Storage/ReaderFuzzTests.cs
/// runs a few hundred cases of the same in the test suite.
/// Example: fuzz-readers cases=2000 seed=1 readers=csv.gz,npy
/// </summary>
internal static class FuzzReaders
{
    public static int Run(Settings s)
    {
        int cases = s.Int("cases", 2000);
        int seed = s.Int("seed", 1);
        var targets = Targets();
        var names = s.Get("readers", string.Join(",", targets.Keys)).Split(',', StringSplitOptions.RemoveEmptyEntries);
        s.EnsureAllUsed();
        var unknown = names.Except(targets.Keys).ToArray();
        if (unknown.Length > 0) throw new ArgumentException($"Unknown reader(s): {string.Join(", ", unknown)}; known: {string.Join(", ", targets.Keys)}.");
        if (names.Contains("model")) TorchRuntime.EnsureLoaded();

        var root = Directory.CreateTempSubdirectory("gatsbi-fuzz-readers").FullName;
        Console.WriteLine($"{cases} cases per reader, seed {seed}; a case is replayed by its seed and index.");
        Console.WriteLine($"{"reader",-14} {"cases",6} {"read ok",8} {"named error",12} {"unexpected",11} {"wrong read",11} {"seconds",8}");
        var examples = new List<string>();
        bool clean = true;
        try
        {
            foreach (var name in names)
            {
                var clock = Stopwatch.StartNew();
                var tally = new Dictionary<Outcome, int>();
                for (int index = 0; index < cases; index++)
                {
                    var (outcome, detail) = RunCase(targets[name], seed, index, Path.Combine(root, $"{name.Replace(' ', '-')}-{index}"));
                    tally[outcome] = tally.GetValueOrDefault(outcome) + 1;
                    if (outcome is Outcome.Unexpected or Outcome.WrongRead && examples.Count < 20) examples.Add($"{name} case {index}: {detail}");
                }
                Console.WriteLine($"{name,-14} {cases,6} {tally.GetValueOrDefault(Outcome.ReadOk),8} {tally.GetValueOrDefault(Outcome.NamedError),12} " +
                                  $"{tally.GetValueOrDefault(Outcome.Unexpected),11} {tally.GetValueOrDefault(Outcome.WrongRead),11} {clock.Elapsed.TotalSeconds,8:F1}");
                clean &= tally.GetValueOrDefault(Outcome.Unexpected) + tally.GetValueOrDefault(Outcome.WrongRead) == 0;
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
        foreach (var example in examples) Console.WriteLine(example);
        return clean ? 0 : 1;
    }

    private enum Outcome { ReadOk, NamedError, Unexpected, WrongRead }

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

    private static (Outcome, string) RunCase(Target target, int seed, int index, string folder)
    {
        var random = new Random(seed * 100_003 + index);
        Directory.CreateDirectory(folder);
        try
        {
            var input = target.MakeValid(random);
            var (valid, expected) = input;
            foreach (var (name, content) in input.Beside) File.WriteAllBytes(Path.Combine(folder, name), content);
            var (mutation, bytes) = InputMutator.Mutate(valid, random);
            if (bytes.AsSpan().SequenceEqual(valid)) mutation = Mutation.None;
            string path = Path.Combine(folder, target.FileName);
            File.WriteAllBytes(path, bytes);
            try
            {
                string got = target.Read(path);
                string? wrong = mutation == Mutation.None && got != expected ? "the valid input read wrongly"
                    : mutation == Mutation.Truncate && !input.CleanCuts.Contains(bytes.Length) && target.Guarantee != Guarantee.NamedErrors ? "a truncated input read without an error"
                    : target.Guarantee == Guarantee.DamageFailsOrReadsExactly && got != expected && !input.CleanCuts.Contains(bytes.Length) ? "damaged input read as something else than the original"
                    : null;
                return wrong is null ? (Outcome.ReadOk, "") : (Outcome.WrongRead, $"{mutation}: {wrong}");
            }
            catch (Exception e) when (e is InvalidDataException or ExternalSimulatorException && e.Message.Contains(folder, StringComparison.Ordinal))
            {
                return mutation == Mutation.None ? (Outcome.WrongRead, $"the valid input was rejected: {e.Message}") : (Outcome.NamedError, "");
            }
            catch (Exception e)
            {
                string where = e.StackTrace?.Split('\n', 2)[0].Trim() ?? "";
                return (Outcome.Unexpected, $"{mutation}: {e.GetType().Name}: {e.Message} ({where})");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Dictionary<string, Target> Targets()
    {
        var model = new Lazy<byte[]>(SaveModel);
        return new()
        {
            ["csv"] = new("m.csv", Guarantee.NamedErrors, random => ValidCsv(random, gzip: false), path => Fingerprint(CsvMatrix.Read(path))),
            ["csv.gz"] = new("m.csv.gz", Guarantee.DamageFailsOrReadsExactly, random => ValidCsv(random, gzip: true), path => Fingerprint(CsvMatrix.Read(path))),
            ["npy"] = new("m.npy", Guarantee.TruncationFails, ValidNpy, path => Fingerprint(NpyFile.Read(path))),
            ["idx"] = new("images", Guarantee.TruncationFails, random => ValidIdx(random, gzip: false), path => Fingerprint(IdxFile.ReadImages(path))),
            ["idx.gz"] = new("images.gz", Guarantee.DamageFailsOrReadsExactly, random => ValidIdx(random, gzip: true), path => Fingerprint(IdxFile.ReadImages(path))),
            ["png folder"] = new("b.png", Guarantee.DamageFailsOrReadsExactly, random => ValidImageFolder(random, Png, ".png"), ReadFolder),
            ["bmp folder"] = new("b.bmp", Guarantee.TruncationFails, random => ValidImageFolder(random, Bmp, ".bmp"), ReadFolder),
            ["model"] = new("m.gatsbi", Guarantee.DamageFailsOrReadsExactly, _ => new(model.Value, ModelFingerprint), ReadModel),
            ["line reply"] = new("reply.txt", Guarantee.NamedErrors, ValidLineReply, path => Replay(path, ExternalProtocol.Line)),
            ["binary reply"] = new("reply.bin", Guarantee.TruncationFails, ValidBinaryReply, path => Replay(path, ExternalProtocol.Binary)),
        };
    }

    // ---- Fingerprints: what was read, as a string that two equal reads share ----

    private static string Fingerprint(NamedMatrix m) => string.Join(",", m.ColumnNames) + "|" + Fingerprint(m.Values);

    private static string Fingerprint(float[,] m) =>
        $"{m.GetLength(0)}x{m.GetLength(1)}:" + string.Join(",", m.AsSpan().ToArray().Select(v => float.IsNaN(v) ? "NaN" : BitConverter.SingleToInt32Bits(v).ToString(CultureInfo.InvariantCulture)));

    private static string Fingerprint(ImageSet set) => $"{set.Height}x{set.Width}/" + Fingerprint(set.Pixels);

    private static string ReadFolder(string path) => Fingerprint(ImageFolder.Read(Path.GetDirectoryName(path)!));

    // ---- Valid inputs ----

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
            for (int j = 0; j < columns; j++) (values[i, j], cells[j]) = RandomNumber(random);
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
        return new(WrittenBy(path => NpyFile.Write(path, values)), Fingerprint(values));
    }

    /// <summary>The bytes a writer of the library puts in a file.</summary>
    private static byte[] WrittenBy(Action<string> write)
    {
        var path = Path.Combine(Path.GetTempPath(), $"gatsbi-fuzz-{Guid.NewGuid():N}");
        try
        {
            write(path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
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

    /// <summary>An 8-bit greyscale PNG: signature, IHDR, one IDAT of unfiltered rows, IEND.</summary>
    private static byte[] Png(byte[] grey, int height, int width)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth; colour type 0 (grey), compression, filter and interlace methods 0
        WriteChunk(png, "IHDR", header);
        using var rows = new MemoryStream();
        using (var zlib = new ZLibStream(rows, CompressionLevel.Fastest, leaveOpen: true))
            for (int r = 0; r < height; r++)
            {
                zlib.WriteByte(0); // filter: none
                zlib.Write(grey, r * width, width);
            }
        WriteChunk(png, "IDAT", rows.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes(type, chunk.AsSpan(4));
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        png.Write(chunk);
    }

    /// <summary>PNG's CRC-32 (ISO 3309, reflected polynomial 0xEDB88320), bit by bit: the inputs are tiny.</summary>
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint c = ~0u;
        foreach (byte b in bytes)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }

    /// <summary>A 24-bit BMP (rows bottom-up, padded to 4 bytes) whose grey pixels stb's luma maps back to themselves.</summary>
    private static byte[] Bmp(byte[] grey, int height, int width)
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

    private const string ModelFingerprint = "GatsbiPosterior v2 theta | x1,x2";

    /// <summary>A small GATSBI posterior's model file.</summary>
    private static byte[] SaveModel()
    {
        TorchSharp.torch.manual_seed(3);
        using var posterior = new GatsbiPosterior(new ConditionalGenerator(2, 1, new GeneratorSpec([8], NoiseAfterLayer: 1, LatentDimension: 2, LeakyOutput: false)), null);
        return WrittenBy(path => PosteriorFile.Save(path, posterior, new ModelInfo(["theta"], ["x1", "x2"], new Dictionary<string, string>())));
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

    /// <summary>A frame of one row of three doubles.</summary>
    private static ValidInput ValidBinaryReply(Random random)
    {
        var x = new float[1, ReplyColumns];
        var frame = new byte[8 + 8 * ReplyColumns];
        BinaryPrimitives.WriteInt32LittleEndian(frame, 1);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), ReplyColumns);
        for (int j = 0; j < ReplyColumns; j++)
        {
            x[0, j] = RandomNumber(random).Item1;
            BinaryPrimitives.WriteDoubleLittleEndian(frame.AsSpan(8 + 8 * j), x[0, j]);
        }
        return new(frame, Fingerprint(x));
    }

    /// <summary>
    /// Simulates one row with a worker that reads the request (one line, or the 20 bytes of a one-row binary
    /// request with one parameter) and replies with the file's bytes, then exits.
    /// </summary>
    private static string Replay(string path, ExternalProtocol protocol)
    {
        string script = protocol == ExternalProtocol.Line ? "read -r request; cat \"$1\"" : "head -c 20 > /dev/null; cat \"$1\"";
        using var simulator = new ExternalProcessSimulator(new ExternalCommand("sh", ["-c", script, "sh", path]), 1, ReplyColumns,
            new ExternalSimulatorOptions { Protocol = protocol, Workers = 1, Timeout = TimeSpan.FromSeconds(20), MaxRowsPerRequest = 1 });
        var x = new float[1, ReplyColumns];
        simulator.Simulate(new float[1, 1], x, new Rng(1));
        return Fingerprint(x);
    }
}
