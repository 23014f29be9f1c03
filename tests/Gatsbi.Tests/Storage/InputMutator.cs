namespace Gatsbi.Tests.Storage;

/// <summary>How a fuzz case damaged a valid input.</summary>
internal enum Mutation
{
    /// <summary>The valid input itself.</summary>
    None,
    /// <summary>Cut off at a random point: a download or a write that stopped.</summary>
    Truncate,
    /// <summary>One to four bytes changed: bad storage or transfer.</summary>
    FlipBytes,
    /// <summary>One to sixteen random bytes inserted, possibly at the end.</summary>
    InsertBytes,
    /// <summary>One to sixteen bytes deleted.</summary>
    DeleteBytes,
    /// <summary>Random bytes of a random length in place of the input.</summary>
    Junk,
}

/// <summary>
/// Damages a valid input the ways files get damaged, from a seeded <see cref="Random"/> so that a failing
/// case can be replayed. A copy of bench/Gatsbi.Bench/FuzzReaders.cs's mutator, which runs the same fuzzing
/// at scale; the bench project is not referenced by the tests, nor they by it.
/// </summary>
internal static class InputMutator
{
    /// <summary>A mutation of <paramref name="valid"/>: the valid input itself one time in eight, else a damaged copy (which may, rarely, equal it: two flips of one byte can cancel).</summary>
    public static (Mutation Kind, byte[] Bytes) Mutate(byte[] valid, Random random)
    {
        if (random.Next(8) == 0 || valid.Length == 0) return (Mutation.None, valid);
        var kind = (Mutation)random.Next(1, 6);
        return (kind, kind switch
        {
            Mutation.Truncate => valid[..random.Next(valid.Length)],
            Mutation.FlipBytes => Flip(valid, random),
            Mutation.InsertBytes => Insert(valid, random),
            Mutation.DeleteBytes => Delete(valid, random),
            _ => RandomBytes(random, random.Next(2 * valid.Length + 1)),
        });
    }

    private static byte[] Flip(byte[] valid, Random random)
    {
        var bytes = (byte[])valid.Clone();
        int flips = random.Next(1, 5);
        for (int i = 0; i < flips; i++) bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
        return bytes;
    }

    private static byte[] Insert(byte[] valid, Random random)
    {
        int at = random.Next(valid.Length + 1);
        return [.. valid[..at], .. RandomBytes(random, random.Next(1, 17)), .. valid[at..]];
    }

    private static byte[] Delete(byte[] valid, Random random)
    {
        int at = random.Next(valid.Length);
        int count = Math.Min(random.Next(1, 17), valid.Length - at);
        return [.. valid[..at], .. valid[(at + count)..]];
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
