namespace Gatsbi.Tests.Core;

/// <summary>Hands each progress report to an action as it is made (Progress&lt;T&gt; would post it later, on another thread).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);

    /// <summary>Collects reports into a list, safely from several threads.</summary>
    public static SynchronousProgress<T> Into(List<T> reports) => new(value =>
    {
        lock (reports) reports.Add(value);
    });
}
