using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Gatsbi.Storage;

/// <summary>
/// The header of a .npy file: magic string, version, header length, then a Python dict literal such as
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 2), }</c> padded with spaces and a newline.
/// </summary>
internal sealed record NpyHeader(string Descr, bool FortranOrder, long[] Shape, int DataOffset)
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>NumPy aligns the data start to 64 bytes (ARRAY_ALIGN in numpy/lib/format.py).</summary>
    private const int Alignment = 64;

    /// <summary>
    /// NumPy leaves room for the growing axis to reach this many digits (GROWTH_AXIS_MAX_DIGITS), so the
    /// header length does not depend on the row count: the shape can be rewritten in place as rows are
    /// appended.
    /// </summary>
    private const int GrowthAxisDigits = 21;

    private static readonly Dictionary<string, int> ItemSizes = new()
    {
        ["<f4"] = 4, ["<f8"] = 8, ["<i4"] = 4, ["<i8"] = 8, ["|u1"] = 1, ["|b1"] = 1,
    };

    public int ItemSize => ItemSizes[Descr];

    /// <summary>The version 1.0 header of a C-order float32 matrix, byte for byte as <c>np.save</c> writes it.</summary>
    public static byte[] Float32Matrix(long rows, int columns)
    {
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {columns}), }}";
        dict += new string(' ', GrowthAxisDigits - rows.ToString(CultureInfo.InvariantCulture).Length);
        int unpadded = Magic.Length + 2 + 2 + dict.Length + 1; // magic, version, uint16 length, dict, newline
        int padding = Alignment - unpadded % Alignment; // NumPy pads by a full 64 when already aligned
        var header = new byte[unpadded + padding];
        Magic.CopyTo(header, 0);
        header[6] = 1;
        header[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)(header.Length - 10));
        Encoding.ASCII.GetBytes(dict, header.AsSpan(10));
        header.AsSpan(10 + dict.Length, padding).Fill((byte)' ');
        header[^1] = (byte)'\n';
        return header;
    }

    /// <summary>Reads and checks the header; the stream is left at the first data byte.</summary>
    public static NpyHeader Read(Stream stream, string source)
    {
        var prefix = new byte[8];
        ReadExactly(stream, prefix, source, "the magic string and version");
        if (!prefix.AsSpan(0, 6).SequenceEqual(Magic))
            throw new InvalidDataException($"{source}: not a NumPy .npy file (it does not start with the bytes \\x93NUMPY).");
        int major = prefix[6];
        int lengthBytes = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw new InvalidDataException($"{source}: .npy format version {major}.{prefix[7]} is not supported; expected 1.0, 2.0 or 3.0."),
        };
        var lengthField = new byte[lengthBytes];
        ReadExactly(stream, lengthField, source, "the header length");
        long length = lengthBytes == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthField) : BinaryPrimitives.ReadUInt32LittleEndian(lengthField);
        if (length > 1 << 20)
            throw new InvalidDataException($"{source}: the header claims {length} bytes; a .npy header of a plain array is far smaller, so the file is damaged.");
        var text = new byte[length];
        ReadExactly(stream, text, source, $"the {length}-byte header");
        // Versions 1.0 and 2.0 store the header in Latin-1, 3.0 in UTF-8.
        string dict = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(text);
        var header = Parse(dict, source) with { DataOffset = prefix.Length + lengthBytes + (int)length };
        header.Check(source);
        return header;
    }

    /// <summary>The array as rows × columns: a 1-D array is one column.</summary>
    public (int Rows, int Columns) MatrixShape(string source)
    {
        (long rows, long columns) = Shape.Length switch
        {
            1 => (Shape[0], 1L),
            2 => (Shape[0], Shape[1]),
            _ => throw new InvalidDataException($"{source}: the array has shape {FormatShape()} ({Shape.Length} dimensions); expected a 1-D or 2-D array."),
        };
        // Each size is checked alone first, so that the product cannot overflow to a small number.
        if (rows > Array.MaxLength || columns > Array.MaxLength || rows * columns > Array.MaxLength)
            throw new InvalidDataException($"{source}: shape {FormatShape()} has more values than one array can hold ({Array.MaxLength}).");
        return ((int)rows, (int)columns);
    }

    public string FormatShape() => Shape.Length == 1 ? $"({Shape[0]},)" : $"({string.Join(", ", Shape)})";

    private void Check(string source)
    {
        if (!ItemSizes.ContainsKey(Descr))
            throw new InvalidDataException(
                $"{source}: dtype '{Descr}' is not supported; expected one of {string.Join(", ", ItemSizes.Keys.Select(k => $"'{k}'"))} (little-endian numbers or booleans).");
        if (FortranOrder)
            throw new InvalidDataException(
                $"{source}: the array is stored in Fortran (column-major) order; expected C order. Save it with np.save(path, np.ascontiguousarray(a)).");
        if (Shape.Any(s => s < 0))
            throw new InvalidDataException($"{source}: the shape {FormatShape()} has a negative size.");
    }

    private static void ReadExactly(Stream stream, byte[] buffer, string source, string what)
    {
        if (stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) < buffer.Length)
            throw new InvalidDataException($"{source}: the file is truncated: it ends inside {what}.");
    }

    /// <summary>Parses the dict literal: string keys; values are strings, True/False, or tuples of integers.</summary>
    private static NpyHeader Parse(string dict, string source)
    {
        var reader = new LiteralReader(dict, source);
        var entries = reader.ReadDict();
        string descr = entries.TryGetValue("descr", out var d) && d is string s
            ? s
            : throw new InvalidDataException($"{source}: the header has no 'descr' string: {dict.Trim()}");
        bool fortran = entries.TryGetValue("fortran_order", out var f) && f is bool b
            ? b
            : throw new InvalidDataException($"{source}: the header has no 'fortran_order' True/False: {dict.Trim()}");
        long[] shape = entries.TryGetValue("shape", out var t) && t is long[] tuple
            ? tuple
            : throw new InvalidDataException($"{source}: the header has no 'shape' tuple: {dict.Trim()}");
        return new NpyHeader(descr, fortran, shape, 0);
    }

    /// <summary>Reads the small subset of Python literals that .npy headers use.</summary>
    private sealed class LiteralReader(string text, string source)
    {
        private int _at;

        public Dictionary<string, object> ReadDict()
        {
            var result = new Dictionary<string, object>();
            Expect('{');
            while (Peek() != '}')
            {
                string key = ReadString();
                Expect(':');
                result[key] = ReadValue();
                if (Peek() == ',') _at++;
                else if (Peek() != '}') throw Error("',' or '}'");
            }
            _at++;
            return result;
        }

        private object ReadValue() => Peek() switch
        {
            '\'' or '"' => ReadString(),
            '(' => ReadTuple(),
            _ => ReadWord() switch
            {
                "True" => true,
                "False" => false,
                var word => throw new InvalidDataException($"{source}: unexpected '{word}' in the header: {text.Trim()}"),
            },
        };

        private string ReadString()
        {
            char quote = Peek();
            if (quote is not ('\'' or '"')) throw Error("a quoted string");
            int end = text.IndexOf(quote, _at + 1);
            if (end < 0) throw Error("a closing quote");
            string value = text[(_at + 1)..end];
            _at = end + 1;
            return value;
        }

        private long[] ReadTuple()
        {
            Expect('(');
            var items = new List<long>();
            while (Peek() != ')')
            {
                // Python 2 wrote long integers with an L suffix.
                string word = ReadWord().TrimEnd('L');
                items.Add(long.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out long v)
                    ? v
                    : throw new InvalidDataException($"{source}: the shape holds '{word}', which is not a size: {text.Trim()}"));
                if (Peek() == ',') _at++;
                else if (Peek() != ')') throw Error("',' or ')'");
            }
            _at++;
            return items.ToArray();
        }

        private string ReadWord()
        {
            Peek();
            int start = _at;
            while (_at < text.Length && (char.IsLetterOrDigit(text[_at]) || text[_at] == '_')) _at++;
            if (_at == start) throw Error("a value");
            return text[start.._at];
        }

        private void Expect(char c)
        {
            if (Peek() != c) throw Error($"'{c}'");
            _at++;
        }

        /// <summary>The next character after white space; '\0' at the end.</summary>
        private char Peek()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at])) _at++;
            return _at < text.Length ? text[_at] : '\0';
        }

        private InvalidDataException Error(string expected) =>
            new($"{source}: the header is not a valid .npy dict (expected {expected} at character {_at + 1}): {text.Trim()}");
    }
}
