using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Para.Client;
using Para.Contracts.Gateway;

namespace Para.Gateway.Requests;

/// <summary>
/// Collects a record per forwarded request and sends them to the account API in batches: when
/// <see cref="GatewayOptions.RecordBatchSize"/> wait, or <see cref="GatewayOptions.RecordFlushInterval"/>
/// after the first one. A batch the account API does not take is kept for the next send, up to a
/// bound; beyond it the oldest records go (statistics are worth less than memory).
/// </summary>
internal sealed partial class RequestRecorder(
    IAccountsApi accounts,
    TimeProvider timeProvider,
    IOptionsMonitor<GatewayOptions> options,
    ILogger<RequestRecorder> logger) : BackgroundService
{
    private const int MaxWaiting = 10_000;

    private readonly Channel<GatewayRequestRecord> _records = Channel.CreateBounded<GatewayRequestRecord>(
        new BoundedChannelOptions(MaxWaiting) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = false });
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly List<GatewayRequestRecord> _unsent = [];
    // "A batch is waiting": at most one signal pending, and raising it twice is not an exception.
    private readonly Channel<bool> _full = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private int _waiting;

    public void Add(GatewayRequestRecord record)
    {
        if (_records.Writer.TryWrite(record) && Interlocked.Increment(ref _waiting) >= options.CurrentValue.RecordBatchSize)
        {
            _full.Writer.TryWrite(true);
        }
    }

    /// <summary>Sends everything waiting now; true when the account API took it all.</summary>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken)
    {
        await _send.WaitAsync(cancellationToken);
        try
        {
            while (_records.Reader.TryRead(out var record))
            {
                Interlocked.Decrement(ref _waiting);
                _unsent.Add(record);
            }

            var batchSize = Math.Min(options.CurrentValue.RecordBatchSize, 1000);
            while (_unsent.Count > 0)
            {
                var batch = _unsent.Take(batchSize).ToList();
                try
                {
                    await accounts.RecordGatewayRequestsAsync(new RecordGatewayRequests(batch), cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    LogNotRecorded(logger, _unsent.Count, exception.GetType().Name);
                    if (_unsent.Count > MaxWaiting)
                    {
                        _unsent.RemoveRange(0, _unsent.Count - MaxWaiting);
                    }

                    return false;
                }

                _unsent.RemoveRange(0, batch.Count);
            }

            return true;
        }
        finally
        {
            _send.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _records.Reader.WaitToReadAsync(stoppingToken))
            {
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    var interval = Task.Delay(options.CurrentValue.RecordFlushInterval, timeProvider, wait.Token);
                    await Task.WhenAny(interval, _full.Reader.ReadAsync(wait.Token).AsTask());
                    await wait.CancelAsync();
                }

                stoppingToken.ThrowIfCancellationRequested();
                await FlushAsync(stoppingToken);
                // A signal raised while that batch was taken counted records it already sent: without
                // this, the next send would go at once with the few that came in meanwhile.
                if (Volatile.Read(ref _waiting) < options.CurrentValue.RecordBatchSize)
                {
                    _full.Reader.TryRead(out _);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // What was forwarded last still counts.
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} request records could not be sent to the account API ({ExceptionType}); kept for the next send")]
    private static partial void LogNotRecorded(ILogger logger, int count, string exceptionType);
}
