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
        var watched = new WatchedStream(pipe.Reader.AsStream());
        await using var events = ContainerAuthEventStream.ReadAsync(watched, time).GetAsyncEnumerator();

        await WriteAsync(pipe, "connected", """{"type":"connected","heartbeatInterval":"00:00:10"}""");
        Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(Enough));
        Assert.Equal(ContainerAuthEventTypes.Connected, events.Current.Type);

        var next = events.MoveNextAsync().AsTask();
        for (var beat = 0; beat < 3; beat++)
        {
            time.Advance(TimeSpan.FromSeconds(29));
            await WriteAsync(pipe, "heartbeat", """{"type":"heartbeat"}""");
            // The reader has taken the heartbeat in and waits for more: only then may the clock move on.
            await watched.UntilDrainedAsync(pipe);
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
        var bytes = Encoding.UTF8.GetBytes($"event: {type}\ndata: {json}\n\n");
        Interlocked.Add(ref Written(pipe).Value, bytes.Length);
        await pipe.Writer.WriteAsync(bytes);
        await pipe.Writer.FlushAsync();
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Pipe, StrongBox> WrittenBytes = [];

    private static StrongBox Written(Pipe pipe) => WrittenBytes.GetValue(pipe, _ => new StrongBox());

    private sealed class StrongBox
    {
        public long Value;
    }

    /// <summary>The reader's side of the pipe, telling how much it has read and whether it is waiting for more.</summary>
    private sealed class WatchedStream(Stream inner) : Stream
    {
        private long _consumed;
        private int _waiting;

        public async Task UntilDrainedAsync(Pipe pipe)
        {
            var deadline = DateTime.UtcNow + Enough;
            while (Interlocked.Read(ref _consumed) < Interlocked.Read(ref Written(pipe).Value) || Volatile.Read(ref _waiting) == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the reader did not take in what was written");
                await Task.Delay(5);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Volatile.Write(ref _waiting, 1);
            try
            {
                var read = await inner.ReadAsync(buffer, cancellationToken);
                Interlocked.Add(ref _consumed, read);
                return read;
            }
            finally
            {
                Volatile.Write(ref _waiting, 0);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
