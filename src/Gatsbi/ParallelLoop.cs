using System.Runtime.ExceptionServices;

namespace Gatsbi;

/// <summary>
/// <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/> that rethrows the first failure itself, with
/// its own stack trace, instead of an <see cref="AggregateException"/>: callers document and catch the exceptions
/// their loop bodies throw, whether or not the work ran in parallel.
/// </summary>
internal static class ParallelLoop
{
    /// <summary>Runs <paramref name="body"/> for every index in [<paramref name="from"/>, <paramref name="to"/>) on up to <paramref name="maxThreads"/> threads (null: every core).</summary>
    public static void For(int from, int to, int? maxThreads, Action<int> body, CancellationToken cancellation = default)
    {
        try
        {
            Parallel.For(from, to, new ParallelOptions { MaxDegreeOfParallelism = maxThreads ?? Environment.ProcessorCount, CancellationToken = cancellation }, body);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }
}
