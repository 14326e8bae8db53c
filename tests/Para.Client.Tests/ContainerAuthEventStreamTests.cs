using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Para.Contracts.Events;

namespace Para.Client.Tests;

/// <summary>The container-auth event reader: heartbeats keep a quiet stream alive, silence ends a dead one.</summary>
public sealed class ContainerAuthEventStreamTests
{
    private static readonly TimeSpan Enough = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Heartbeats_keep_a_quiet_stream_alive_and_are_not_handed_on_while_silence_ends_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var pipe = new Pipe();
        await using var events = ContainerAuthEventStream.ReadAsync(pipe.Reader.AsStream(), time).GetAsyncEnumerator();

        await WriteAsync(pipe, "connected", """{"type":"connected","heartbeatInterval":"00:00:10"}""");
        Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(Enough));
        Assert.Equal(ContainerAuthEventTypes.Connected, events.Current.Type);

        var next = events.MoveNextAsync().AsTask();
        for (var beat = 0; beat < 3; beat++)
        {
            time.Advance(TimeSpan.FromSeconds(29));
            await WriteAsync(pipe, "heartbeat", """{"type":"heartbeat"}""");
            await Task.Delay(50);
            Assert.False(next.IsCompleted, "a heartbeat was handed on, or the stream was given up while heartbeats came");
        }

        await WriteAsync(pipe, "container-fed", """{"type":"container-fed","container":"para-dev-1","fingerprint":"sha256:0123456789ab"}""");
        Assert.True(await next.WaitAsync(Enough));
        Assert.Equal(("container-fed", "para-dev-1", "sha256:0123456789ab"), (events.Current.Type, events.Current.Container, events.Current.Fingerprint));

        next = events.MoveNextAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50);
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var silent = await Assert.ThrowsAsync<EventStreamSilentException>(() => next.WaitAsync(Enough));
        Assert.Equal(TimeSpan.FromSeconds(30), silent.Silence);
        Assert.Equal("the event stream sent nothing for 30 s (not even a heartbeat); reconnecting", ServiceErrors.Describe(silent));
    }

    private static async Task WriteAsync(Pipe pipe, string type, string json)
    {
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes($"event: {type}\ndata: {json}\n\n"));
        await pipe.Writer.FlushAsync();
    }
}
