using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gatsbi.Distributions;
using Gatsbi.Native;
using Gatsbi.Nn;
using Gatsbi.Nn.Convolutional;
using Gatsbi.Nn.Flows;
using Gatsbi.Posteriors;
using TorchSharp;

namespace Gatsbi.Storage;

/// <summary>Descriptive data stored with a model: column names and free-form facts about its training.</summary>
/// <param name="ParameterNames">One name per parameter, in column order.</param>
/// <param name="DataNames">One name per data value, in column order.</param>
/// <param name="Training">Free-form key–value facts about the training run (method, budget, seed, …), stored as given.</param>
public sealed record ModelInfo(string[] ParameterNames, string[] DataNames, IReadOnlyDictionary<string, string> Training);

/// <summary>A posterior read back from a model file (a <see cref="GatsbiPosterior"/> or an <see cref="NpePosterior"/>), with what was stored beside it.</summary>
/// <param name="Posterior">The posterior, ready to sample; the caller owns it and disposes it.</param>
/// <param name="Info">The names and training facts stored with it.</param>
/// <param name="FormatVersion">The format version the file was written in (1 or 2).</param>
public sealed record LoadedPosterior(INeuralPosterior Posterior, ModelInfo Info, int FormatVersion) : IDisposable
{
    /// <summary>Disposes <see cref="Posterior"/> (its networks).</summary>
    public void Dispose() => Posterior.Dispose();

    /// <summary>The kind stored in the header: "gatsbi-posterior" or "npe-posterior".</summary>
    public string Kind => Posterior is NpePosterior ? PosteriorFile.NpeKind : PosteriorFile.GatsbiKind;
}

/// <summary>
/// One-file storage of a trained GATSBI or NPE posterior. Layout: the 8-byte magic "GATSBI.M", the format
/// version (int32), a UTF-8 JSON header (length-prefixed) with dimensions, network shape, member count,
/// prior support and <see cref="ModelInfo"/>, the weights (length-prefixed), and a SHA-256 of everything
/// before it. Version 2 stores the weights as one length-prefixed TorchSharp state per ensemble member (an
/// NPE posterior is one member: its flow, described by the header's <c>Flow</c> instead of <c>Generator</c>);
/// version 1 (one generator, its state alone) is still read. Every way a file can be wrong is reported as an <see cref="InvalidDataException"/>
/// naming the file and the problem, before any of it reaches TorchSharp.
/// </summary>
public static class PosteriorFile
{
    /// <summary>The format version <see cref="Save"/> writes; <see cref="Load"/> reads this and every earlier version.</summary>
    public const int FormatVersion = 2;

    /// <summary>The header's <c>Kind</c> for a <see cref="GatsbiPosterior"/>.</summary>
    public const string GatsbiKind = "gatsbi-posterior";

    /// <summary>The header's <c>Kind</c> for an <see cref="NpePosterior"/>.</summary>
    public const string NpeKind = "npe-posterior";
    private const int FirstReadableVersion = 1;
    private static readonly byte[] Magic = "GATSBI.M"u8.ToArray();
    // Named literals, because support bounds may be infinite (a positive parameter has support (0, ∞)).
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private sealed record Header(
        string Kind,
        int ParameterDimension,
        int DataDimension,
        GeneratorSpec? Generator,
        float[]? SupportLow,
        float[]? SupportHigh,
        string[] ParameterNames,
        string[] DataNames,
        Dictionary<string, string> Training,
        int Members = 1,
        FlowSpec? Flow = null,
        ConvolutionalNetworks? Convolutional = null);

    /// <summary>Writes <paramref name="posterior"/> and <paramref name="info"/> to <paramref name="path"/> in the current format, atomically.</summary>
    /// <param name="path">The model file; replaced if it exists.</param>
    /// <param name="posterior">A <see cref="GatsbiPosterior"/> (MLP or convolutional generators) or an <see cref="NpePosterior"/>.</param>
    /// <param name="info">Names and training facts; the name counts must match the posterior's dimensions.</param>
    /// <exception cref="ArgumentException">The names do not match the dimensions, or the posterior or its generator is of a kind model files do not store.</exception>
    public static void Save(string path, INeuralPosterior posterior, ModelInfo info)
    {
        if (info.ParameterNames.Length != posterior.ParameterDimension || info.DataNames.Length != posterior.DataDimension)
            throw new ArgumentException($"ModelInfo names {info.ParameterNames.Length} parameters and {info.DataNames.Length} data columns; the posterior has {posterior.ParameterDimension} and {posterior.DataDimension}.");
        var (header, networks) = posterior switch
        {
            GatsbiPosterior g => (new Header(GatsbiKind, g.ParameterDimension, g.DataDimension, (g.Generator as ConditionalGenerator)?.Spec,
                g.Support?.Low, g.Support?.High, info.ParameterNames, info.DataNames,
                new Dictionary<string, string>(info.Training), g.Members.Count, Convolutional: Convolutional(g.Generator)), g.Members.Cast<torch.nn.Module>().ToList()),
            NpePosterior n => (new Header(NpeKind, n.ParameterDimension, n.DataDimension, null,
                n.Support?.Low, n.Support?.High, info.ParameterNames, info.DataNames,
                new Dictionary<string, string>(info.Training), 1, n.Flow.Spec), new List<torch.nn.Module> { n.Flow }),
            _ => throw new ArgumentException($"Model files store GATSBI and NPE posteriors; got a {posterior.GetType().Name}."),
        };
        byte[] headerBytes = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        byte[] weights;
        using (var buffer = new MemoryStream())
        {
            foreach (var network in networks)
            {
                byte[] state = State(network);
                WriteInt64(buffer, state.Length);
                buffer.Write(state);
            }
            weights = buffer.ToArray();
        }

        using var body = new MemoryStream();
        body.Write(Magic);
        WriteInt32(body, FormatVersion);
        WriteInt32(body, headerBytes.Length);
        body.Write(headerBytes);
        WriteInt64(body, weights.Length);
        body.Write(weights);
        byte[] content = body.ToArray();
        byte[] hash = SHA256.HashData(content);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(content);
            stream.Write(hash);
        });
    }

    /// <summary>Reads a model file written by <see cref="Save"/> (format version 1 or 2) and rebuilds its networks.</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a model file, is truncated or corrupt (checksum), has an unreadable version or header, or its weights do not fit the networks its header describes.</exception>
    public static LoadedPosterior Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file not found: {path}", path);
        byte[] bytes = File.ReadAllBytes(path);
        string Fail(string problem) => $"{path}: {problem}";

        int minimum = Magic.Length + 4 + 4 + 8 + 32;
        if (bytes.Length == 0)
            throw new InvalidDataException(Fail("the file is empty."));
        if (bytes.Length < Magic.Length && Magic.AsSpan(0, bytes.Length).SequenceEqual(bytes))
            throw new InvalidDataException(Fail($"the file is truncated: {bytes.Length} bytes, less than the {minimum} of an empty model."));
        if (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException(Fail("not a Gatsbi.NET model file (the file does not start with the GATSBI.M signature)."));
        if (bytes.Length < minimum)
            throw new InvalidDataException(Fail($"the file is truncated: {bytes.Length} bytes, less than the {minimum} of an empty model."));
        int version = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(Magic.Length));
        if (version is < FirstReadableVersion or > FormatVersion)
            throw new InvalidDataException(Fail($"model format version {version}; this version of Gatsbi.NET reads versions {FirstReadableVersion} to {FormatVersion}."));
        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(Magic.Length + 4));
        long headerStart = Magic.Length + 8;
        if (headerLength < 0 || headerStart + headerLength + 8 + 32 > bytes.Length)
            throw new InvalidDataException(Fail($"the file is truncated: its header claims {headerLength} bytes but the file has {bytes.Length} in all."));
        long weightsLength = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan((int)(headerStart + headerLength)));
        long weightsStart = headerStart + headerLength + 8;
        // Bounded first, so that a damaged length cannot overflow the sum below into a plausible one.
        if (weightsLength < 0 || weightsLength > bytes.Length)
            throw new InvalidDataException(Fail($"the file is truncated or corrupt: it claims {weightsLength} bytes of weights, but has {bytes.Length} bytes in all."));
        long expected = weightsStart + weightsLength + 32;
        if (expected != bytes.Length)
            throw new InvalidDataException(Fail(expected > bytes.Length
                ? $"the file is truncated: expected {expected} bytes, found {bytes.Length}."
                : $"unexpected trailing data: expected {expected} bytes, found {bytes.Length}."));
        var content = bytes.AsSpan(0, (int)(weightsStart + weightsLength));
        if (!SHA256.HashData(content).AsSpan().SequenceEqual(bytes.AsSpan(content.Length, 32)))
            throw new InvalidDataException(Fail("the checksum does not match: the file is corrupt."));

        Header header;
        try
        {
            header = JsonSerializer.Deserialize<Header>(bytes.AsSpan((int)headerStart, headerLength), Json)
                     ?? throw new JsonException("empty header");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(Fail($"the header is not valid: {e.Message}"), e);
        }
        var support = ValidateHeader(header, Fail);

        TorchRuntime.EnsureLoaded();
        var states = version == 1
            ? [(weightsStart, weightsLength)]
            : SplitStates(bytes, weightsStart, weightsLength, header.Members, Fail);
        var info = new ModelInfo(header.ParameterNames, header.DataNames, header.Training);
        if (header.Kind == NpeKind)
        {
            var flow = new ConditionalFlow(header.ParameterDimension, header.DataDimension, header.Flow!);
            try
            {
                LoadState(flow, bytes, states[0]);
            }
            catch (Exception e)
            {
                flow.Dispose();
                throw new InvalidDataException(Fail($"the stored weights do not fit the flow described in its header ({e.Message})."), e);
            }
            return new LoadedPosterior(new NpePosterior(flow, support), info, version);
        }
        var members = new List<GeneratorNetwork>();
        try
        {
            foreach (var state in states)
            {
                GeneratorNetwork generator = header.Convolutional is { } convolutional
                    ? convolutional.CreateGenerator(header.ParameterDimension)
                    : new ConditionalGenerator(header.DataDimension, header.ParameterDimension, header.Generator!);
                members.Add(generator);
                LoadState(generator, bytes, state);
            }
        }
        catch (Exception e)
        {
            foreach (var m in members) m.Dispose();
            throw new InvalidDataException(Fail($"the stored weights do not fit the network described in its header ({e.Message})."), e);
        }
        return new LoadedPosterior(new GatsbiPosterior(members, support), info, version);
    }

    /// <summary>The description a convolutional generator is rebuilt from; null for the MLP generator.</summary>
    private static ConvolutionalNetworks? Convolutional(GeneratorNetwork generator) => generator switch
    {
        ConditionalGenerator => null,
        EncoderGenerator e => e.Spec,
        UNetGenerator u => u.Spec,
        _ => throw new ArgumentException($"Model files store the MLP and convolutional generators of Gatsbi.NET; got a {generator.GetType().Name}."),
    };

    private static void LoadState(torch.nn.Module network, byte[] bytes, (long Start, long Length) state)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, (int)state.Start, (int)state.Length, writable: false));
        network.load(reader, strict: true);
        network.DetachFromDisposeScopes();
    }

    private static byte[] State(torch.nn.Module network)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true)) network.save(writer);
        return buffer.ToArray();
    }

    /// <summary>The (start, length) of each member's state in a version-2 weights block, checked against the header's member count.</summary>
    private static List<(long Start, long Length)> SplitStates(byte[] bytes, long start, long length, int members, Func<string, string> fail)
    {
        var states = new List<(long, long)>();
        long at = start, end = start + length;
        while (at < end)
        {
            if (end - at < 8) throw new InvalidDataException(fail($"the weights block ends inside the length of member {states.Count + 1}."));
            long size = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan((int)at));
            if (size < 0 || at + 8 + size > end)
                throw new InvalidDataException(fail($"member {states.Count + 1} claims {size} bytes of weights, more than the block holds."));
            states.Add((at + 8, size));
            at += 8 + size;
        }
        if (states.Count != members)
            throw new InvalidDataException(fail($"the header names {members} ensemble member(s) but the file holds weights for {states.Count}."));
        return states;
    }

    /// <summary>Checks every header field before a network is built from it; returns the support, if any.</summary>
    private static Support? ValidateHeader(Header header, Func<string, string> fail)
    {
        if (header.Kind is not (GatsbiKind or NpeKind))
            throw new InvalidDataException(fail($"holds a '{header.Kind}' model; expected a '{GatsbiKind}' or an '{NpeKind}'."));
        if (header.ParameterDimension < 1 || header.DataDimension < 1)
            throw new InvalidDataException(fail($"the header gives dimensions θ {header.ParameterDimension} and x {header.DataDimension}; both must be at least 1."));
        if (header.ParameterNames is null || header.DataNames is null
            || header.ParameterNames.Length != header.ParameterDimension || header.DataNames.Length != header.DataDimension)
            throw new InvalidDataException(fail("the header's column names do not match its dimensions."));
        if (header.Kind == GatsbiKind && header.Generator?.HiddenUnits is null && header.Convolutional is null)
            throw new InvalidDataException(fail("the header does not describe the generator network."));
        if (header.Kind == NpeKind && (header.Flow is null || header.Members != 1))
            throw new InvalidDataException(fail("the header does not describe exactly one flow network."));
        if (header.Members < 1)
            throw new InvalidDataException(fail($"the header gives {header.Members} ensemble members; a model has at least 1."));
        try
        {
            header.Generator?.Validate();
            header.Convolutional?.Validate(header.ParameterDimension, header.DataDimension);
            header.Flow?.Validate();
            if (header.SupportLow is null != header.SupportHigh is null)
                throw new ArgumentException("the support has only one of its two bounds.");
            if (header.SupportLow is null) return null;
            if (header.SupportLow.Length != header.ParameterDimension)
                throw new ArgumentException($"the support has {header.SupportLow.Length} bounds for {header.ParameterDimension} parameters.");
            return new Support(header.SupportLow, header.SupportHigh!);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException(fail($"the header is not valid: {e.Message}"), e);
        }
    }

    private static void WriteInt32(Stream s, int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        s.Write(b);
    }

    private static void WriteInt64(Stream s, long value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, value);
        s.Write(b);
    }
}
