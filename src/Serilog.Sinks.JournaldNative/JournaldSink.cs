using System.Globalization;
using System.Threading.Channels;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;
using Serilog.Sinks.JournaldNative.Delivery;
using Serilog.Sinks.JournaldNative.Protocol;
using Serilog.Sinks.JournaldNative.Transport;

namespace Serilog.Sinks.JournaldNative;

/// <summary>
/// A Serilog sink speaking journald's native protocol. <see cref="Emit"/> only queues, so logging never blocks or
/// slows the caller; one background task encodes and sends. While journald is unavailable, events go to the
/// fallback writer at once, and Warning-and-above events are also kept (bounded, oldest dropped and counted) and
/// delivered in order once journald is back.
/// </summary>
/// <remarks>
/// Not an <see cref="IBatchedLogEventSink"/> behind Serilog's batching sink, nor a link of WriteTo.FallbackChain:
/// that queue drops the newest event without a count, holds events for a batch, emits a failed batch again whole
/// (what was sent before the failure twice) and hands a fallback only what it has given up for good, which breaks
/// each promise above (README, "Logging", says how).
/// </remarks>
public sealed class JournaldSink : ILogEventSink, IDisposable
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    private readonly Channel<LogEvent> _queue;
    private readonly JournalSocket _socket;
    private readonly LogEventEncoder _encoder;
    private readonly PendingEvents _pending;
    private readonly FallbackWriter _fallback;
    private readonly TimeSpan _retryInterval;
    private readonly Task _sender;
    private long _queueDropped;
    private bool _unavailable;

    public JournaldSink(JournaldSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _socket = new JournalSocket(options.SocketPath);
        _encoder = new LogEventEncoder(options.SyslogIdentifier, options.FormatProvider);
        _pending = new PendingEvents(options.PendingCapacity);
        _fallback = new FallbackWriter(options.Fallback ?? Console.Error, options.FormatProvider, options.FallbackFormatter);
        _retryInterval = options.RetryInterval;
        _queue = Channel.CreateBounded<LogEvent>(
            new BoundedChannelOptions(options.QueueCapacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
            },
            _ => Interlocked.Increment(ref _queueDropped));
        _sender = Task.Factory.StartNew(SendLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    public void Emit(LogEvent logEvent) => _queue.Writer.TryWrite(logEvent);

    /// <summary>Delivers what is queued (up to a few seconds), then stops.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _sender.Wait(DrainTimeout);
        _socket.Dispose();
    }

    private async Task SendLoopAsync()
    {
        ChannelReader<LogEvent> reader = _queue.Reader;
        Task<bool>? ready = null;
        while (true)
        {
            ready ??= reader.WaitToReadAsync().AsTask();
            if (_pending.Count > 0 && await Task.WhenAny(ready, Task.Delay(_retryInterval)).ConfigureAwait(false) != ready)
            {
                FlushPending(); // nothing new for a while: retry the outage
                continue;
            }

            bool more = await ready.ConfigureAwait(false);
            ready = null;
            FlushPending();
            if (!more)
            {
                return;
            }

            while (reader.TryRead(out LogEvent? logEvent))
            {
                Deliver(logEvent);
            }

            ReportQueueDrops();
        }
    }

    private void Deliver(LogEvent logEvent)
    {
        SendOutcome outcome = _pending.Count == 0 ? TrySend(logEvent) : SendOutcome.Unavailable;
        if (outcome == SendOutcome.Sent)
        {
            return;
        }

        // Earlier warnings are still waiting: this one queues behind them, keeping the order. An entry that can
        // never be sent is not kept: it would hold up every later one.
        _fallback.Write(logEvent);
        if (outcome == SendOutcome.Unavailable && logEvent.Level >= LogEventLevel.Warning)
        {
            _pending.Add(logEvent);
        }
    }

    private SendOutcome TrySend(LogEvent logEvent)
    {
        SendResult result = _socket.Send(_encoder.Encode(logEvent).Span);
        if (result.Outcome == SendOutcome.Sent)
        {
            if (_unavailable)
            {
                _unavailable = false;
                _fallback.Notice($"journald at {_socket.SocketPath} is back; delivering kept warnings there again.");
            }

            return SendOutcome.Sent;
        }

        if (result.Outcome == SendOutcome.Rejected)
        {
            _fallback.Notice($"journald could not be given an entry ({result.Error}); it is on standard error only.");
            return SendOutcome.Rejected;
        }

        if (!_unavailable)
        {
            _unavailable = true;
            _fallback.Notice(
                $"journald unavailable ({result.Error}); writing to standard error and keeping warnings and errors to send once it is back.");
        }

        return SendOutcome.Unavailable;
    }

    private void FlushPending()
    {
        while (_pending.TryPeek(out LogEvent logEvent))
        {
            if (TrySend(logEvent) == SendOutcome.Unavailable)
            {
                return;
            }

            _pending.RemoveOldest(); // sent, or rejected for good (it already went to standard error)
        }

        long dropped = _pending.TakeDropped();
        if (dropped > 0)
        {
            TrySend(Notice(LogEventLevel.Warning,
                $"{dropped} warning and error events were dropped while journald was unavailable (at most {_pending.Capacity} are kept)."));
        }
    }

    private void ReportQueueDrops()
    {
        long dropped = Interlocked.Exchange(ref _queueDropped, 0);
        if (dropped > 0)
        {
            Deliver(Notice(LogEventLevel.Warning, $"{dropped} events were dropped because the journald sink's queue was full."));
        }
    }

    private static LogEvent Notice(LogEventLevel level, string text) => new(
        DateTimeOffset.Now,
        level,
        exception: null,
        new MessageTemplate([new TextToken(text)]),
        [new LogEventProperty("SinkNotice", new ScalarValue(true))]);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"journald at {_socket.SocketPath}");
}
