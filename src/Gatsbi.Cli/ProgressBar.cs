using System.Diagnostics;
using Gatsbi.Inference;

namespace Gatsbi.Cli;

/// <summary>
/// Progress of one long task on standard error. On a terminal it redraws one line (bar, percentage,
/// elapsed time, ETA, status) at most ten times a second; when standard error is redirected it prints a
/// plain line every <see cref="PlainInterval"/> and at the end, so logs stay readable.
/// </summary>
internal sealed class ProgressBar : IDisposable
{
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);
    private const int BarWidth = 28;

    private readonly string _label;
    private readonly bool _interactive;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private TimeSpan? _lastDraw;
    private long _done, _total;
    private string? _status;
    private bool _finished;

    /// <summary>Starts the clock for a task of <paramref name="total"/> units; nothing is drawn until the first report.</summary>
    /// <param name="label">Name printed at the start of every line (padded to 10 characters on a terminal).</param>
    /// <param name="total">Units of work expected; a later <see cref="Report"/> may change it.</param>
    /// <param name="interactive">Redraw one line in place (true) or print plain lines (false); null decides by whether standard error is redirected.</param>
    public ProgressBar(string label, long total, bool? interactive = null)
    {
        _label = label;
        _total = total;
        _interactive = interactive ?? !Console.IsErrorRedirected;
    }

    /// <summary>
    /// Records progress and redraws when the interval since the last draw has passed; thread-safe. A report with
    /// <paramref name="done"/> ≥ <paramref name="total"/> is recorded but not drawn: <see cref="Complete"/> draws the final state once.
    /// </summary>
    /// <param name="done">Units finished so far.</param>
    /// <param name="total">Units expected in all.</param>
    /// <param name="status">Text shown after the timing; null keeps the previous status.</param>
    public void Report(long done, long total, string? status = null)
    {
        lock (_gate)
        {
            if (_finished) return;
            _done = done;
            _total = total;
            _status = status ?? _status;
            var now = _clock.Elapsed;
            var interval = _interactive ? RedrawInterval : PlainInterval;
            // The final state is drawn by Complete, once.
            if (done >= total || (_lastDraw is { } last && now - last < interval)) return;
            _lastDraw = now;
            Draw(final: false);
        }
    }

    /// <summary>
    /// This bar as an <see cref="IProgress{T}"/> for library calls; each report is forwarded to <see cref="Report"/>
    /// synchronously, on the reporting thread, so reports arrive in order.
    /// </summary>
    public IProgress<WorkProgress> AsProgress() => new SyncProgress<WorkProgress>(p => Report(p.Done, p.Total, p.Status));

    /// <summary>The bar as a trainer's progress (any method's): epochs of the maximum, with the trainer's status line.</summary>
    public IProgress<TrainingProgress> AsTrainingProgress() => new SyncProgress<TrainingProgress>(p => Report(p.Epoch, p.MaxEpochs, p.Status));

    /// <summary>Draws the final state and ends the line.</summary>
    public void Complete(string? status = null)
    {
        lock (_gate)
        {
            if (_finished) return;
            _status = status ?? _status;
            Draw(final: true);
            _finished = true;
        }
    }

    /// <summary>Calls <see cref="Complete"/>, keeping the last status; does nothing if the bar was completed already.</summary>
    public void Dispose() => Complete();

    private void Draw(bool final)
    {
        double fraction = _total > 0 ? Math.Clamp(_done / (double)_total, 0, 1) : 0;
        var elapsed = _clock.Elapsed;
        string eta = fraction > 0 && !final ? Format(elapsed * ((1 - fraction) / fraction)) : "--:--";
        string counts = $"{_done}/{_total}";
        string tail = _status is null ? "" : $"  {_status}";
        if (_interactive)
        {
            int filled = (int)Math.Round(fraction * BarWidth);
            string bar = new string('█', filled) + new string('░', BarWidth - filled);
            string timing = final ? Format(elapsed) : $"{Format(elapsed)} ETA {eta}";
            string line = $"\r{_label,-10} {bar} {fraction,4:P0} {counts}  {timing}{tail}";
            int width = SafeWindowWidth();
            if (line.Length > width) line = line[..width];
            Console.Error.Write(line.PadRight(width));
            if (final) Console.Error.WriteLine();
        }
        else
        {
            Console.Error.WriteLine($"{_label}: {fraction:P0} ({counts}) elapsed {Format(elapsed)}{(final ? "" : $" ETA {eta}")}{tail}");
        }
    }

    private static int SafeWindowWidth()
    {
        try
        {
            int w = Console.WindowWidth;
            return w > 20 ? w - 1 : 119;
        }
        catch (IOException)
        {
            return 119;
        }
    }

    private static string Format(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}" : $"{t.Minutes:00}:{t.Seconds:00}";

    /// <summary>An IProgress that calls back on the reporting thread (Progress&lt;T&gt; would post to the thread pool and reorder reports).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
