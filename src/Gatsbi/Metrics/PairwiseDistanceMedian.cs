namespace Gatsbi.Metrics;

/// <summary>
/// The lower median of the M = n(n − 1)/2 pairwise Euclidean distances of a sample set: sorted (0-based)
/// index ⌊(M − 1)/2⌋, PyTorch's median convention. For n = 10,000 that is one of 50 million distances, so
/// they are not stored: a first pass counts the squared distances per bucket of their leading bits, a
/// second keeps only those in the bucket that holds the median, and sorting that bucket finds it.
/// The median distance is the root of the median squared distance, as the root is monotone.
/// </summary>
internal static class PairwiseDistanceMedian
{
    /// <summary>
    /// Buckets are the bit patterns' leading bits: for non-negative doubles the patterns sort like the
    /// values. Squared distances have a zero sign bit, so bits 62..43 (the exponent and 9 mantissa bits)
    /// make 2^20 buckets, each 1/512 of an octave; for continuous data the median's bucket holds a tiny
    /// fraction of the pairs. Only many tied distances (repeated samples) can make it large.
    /// </summary>
    private const int BucketShift = 43;
    private const int BucketCount = 1 << (63 - BucketShift);

    public static double Of(SampleColumns samples, int threads, CancellationToken cancellation)
    {
        long pairs = (long)samples.Count * (samples.Count - 1) / 2;
        long rank = (pairs - 1) / 2;
        var counts = CountPerBucket(samples, threads, cancellation);
        int bucket = 0;
        while (rank >= counts[bucket]) rank -= counts[bucket++];
        if (counts[bucket] > Array.MaxLength)
            throw new ArgumentException($"The median pairwise distance is tied with {counts[bucket]} others, more than the median search can hold; the sample set has too many repeated rows.");
        var candidates = Collect(samples, bucket, (int)counts[bucket], threads, cancellation);
        Array.Sort(candidates);
        return Math.Sqrt(candidates[rank]);
    }

    private static int Bucket(double squaredDistance) => (int)(BitConverter.DoubleToUInt64Bits(squaredDistance) >> BucketShift);

    private static long[] CountPerBucket(SampleColumns samples, int threads, CancellationToken cancellation)
    {
        var total = new long[BucketCount];
        int n = samples.Count;
        RowLoop.Run(n - 1, threads, cancellation,
            () => (Row: new RowDistances(samples.Dimension, n), Counts: new long[BucketCount]),
            (i, local) =>
            {
                foreach (double d2 in local.Row.Compute(samples, i, samples, i + 1, n - i - 1)) local.Counts[Bucket(d2)]++;
            },
            local =>
            {
                lock (total)
                    for (int b = 0; b < BucketCount; b++) total[b] += local.Counts[b];
            });
        return total;
    }

    /// <summary>The squared distances that fall into <paramref name="bucket"/>, in an order that depends on the threads (which the median does not).</summary>
    private static double[] Collect(SampleColumns samples, int bucket, int count, int threads, CancellationToken cancellation)
    {
        var candidates = new double[count];
        int filled = 0, n = samples.Count;
        RowLoop.Run(n - 1, threads, cancellation,
            () => new RowDistances(samples.Dimension, n),
            (i, row) =>
            {
                var d2 = row.Compute(samples, i, samples, i + 1, n - i - 1);
                int found = 0;
                foreach (double value in d2)
                    if (Bucket(value) == bucket) d2[found++] = value;
                if (found == 0) return;
                int at = Interlocked.Add(ref filled, found) - found;
                d2[..found].CopyTo(candidates.AsSpan(at));
            });
        return candidates;
    }
}
