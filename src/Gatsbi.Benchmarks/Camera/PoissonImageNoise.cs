using System.Numerics;
using Gatsbi.Randomness;

namespace Gatsbi.Benchmarks.Camera;

/// <summary>
/// Shot noise with scikit-image's <c>random_noise(image, mode="poisson")</c> semantics, the first stage of
/// the GATSBI camera model. The image is read as photon counts at a scale V set by the image itself:
/// U = the number of distinct pixel values, V = 2^⌈log₂ U⌉ (so V = 1 for a constant image, and at most 256
/// for an 8-bit one); every pixel becomes Poisson(V·I)/V, clipped to [0, 1]. An image with many grey levels
/// is therefore less noisy than a nearly binary one. Pixels must lie in [0, 1]: scikit-image takes a
/// separate signed path for negative values, which the camera model never reaches.
/// </summary>
public static class PoissonImageNoise
{
    /// <summary>The photon-count scale V = 2^⌈log₂ U⌉ of an image with U distinct pixel values.</summary>
    public static int PhotonScale(ReadOnlySpan<float> image)
    {
        if (image.IsEmpty) throw new ArgumentException("An image needs at least one pixel.", nameof(image));
        return (int)BitOperations.RoundUpToPowerOf2((uint)DistinctValues(image));
    }

    /// <summary>
    /// The number of distinct values U. Images read from 8-bit files hold only multiples of 1/255, which a
    /// 256-bit table counts without sorting; any other value falls back to sorting a copy.
    /// </summary>
    public static int DistinctValues(ReadOnlySpan<float> image)
    {
        Span<ulong> seen = stackalloc ulong[4];
        int distinct = 0;
        foreach (float v in image)
        {
            float scaled = MathF.Round(v * 255f);
            if (!(scaled >= 0 && scaled <= 255) || scaled / 255f != v) return DistinctBySorting(image);
            int level = (int)scaled;
            ulong bit = 1UL << (level & 63);
            if ((seen[level >> 6] & bit) == 0)
            {
                seen[level >> 6] |= bit;
                distinct++;
            }
        }
        return distinct;
    }

    /// <summary>The index of the first pixel outside [0, 1] (or NaN); −1 when there is none.</summary>
    public static int FirstPixelOutsideUnitInterval(ReadOnlySpan<float> image)
    {
        for (int p = 0; p < image.Length; p++)
            if (!(image[p] >= 0 && image[p] <= 1)) return p;
        return -1;
    }

    private static int DistinctBySorting(ReadOnlySpan<float> image)
    {
        var copy = image.ToArray();
        Array.Sort(copy);
        int distinct = 1;
        // NaN values are rejected by the callers; distinct floats compare unequal, equal ones (−0 and +0 included) equal.
        for (int i = 1; i < copy.Length; i++)
            if (copy[i] != copy[i - 1]) distinct++;
        return distinct;
    }

    /// <summary>
    /// Writes the noisy image min(1, Poisson(V·Iₚ)/V) into <paramref name="noisy"/> (float64, as the blur that
    /// follows computes in float64) and returns V. Pixels must be finite and in [0, 1].
    /// </summary>
    public static int Apply(ReadOnlySpan<float> image, Span<double> noisy, Rng rng)
    {
        if (noisy.Length != image.Length)
            throw new ArgumentException($"The output has {noisy.Length} pixels; the image has {image.Length}.", nameof(noisy));
        int bad = FirstPixelOutsideUnitInterval(image);
        if (bad >= 0)
            throw new ArgumentOutOfRangeException(nameof(image), $"Pixel {bad} is {image[bad]}; Poisson image noise needs pixels in [0, 1].");
        int scale = PhotonScale(image);
        double inverse = 1.0 / scale; // exact: the scale is a power of two
        for (int p = 0; p < image.Length; p++)
            noisy[p] = Math.Min(1.0, rng.Poisson(scale * (double)image[p]) * inverse);
        return scale;
    }
}
