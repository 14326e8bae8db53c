using System.Buffers;
using System.Text.Json;

namespace Para.Gateway.Forwarding;

/// <summary>
/// The request body, kept in memory when it is small enough (<see cref="GatewayOptions.MaxReplayableBodyBytes"/>)
/// so the same request can be sent again; otherwise the client's stream, which can be sent once.
/// </summary>
internal sealed class ReplayableBody
{
    private readonly byte[]? _bytes;
    private readonly Stream? _once;
    private bool _sent;

    private ReplayableBody(byte[]? bytes, Stream? once)
    {
        _bytes = bytes;
        _once = once;
    }

    /// <summary>True when the body can be sent more than once.</summary>
    public bool Replayable => _bytes is not null;

    /// <summary>The top-level <c>model</c> of a JSON body kept in memory, for the request record.</summary>
    public string? Model => _bytes is { Length: > 0 } bytes ? ReadModel(bytes) : null;

    public static async Task<ReplayableBody> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length && length > limit)
        {
            return new ReplayableBody(null, request.Body);
        }

        if (request.ContentLength is { } known)
        {
            // The usual case (Claude Code sends a length): read straight into an array of that size.
            var bytes = new byte[known];
            var filled = await request.Body.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancellationToken);
            return filled == bytes.Length ? new ReplayableBody(bytes, null) : new ReplayableBody(bytes[..filled], null);
        }

        var buffer = new MemoryStream(4096);
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var read = await request.Body.ReadAsync(chunk, cancellationToken);
                if (read == 0)
                {
                    return new ReplayableBody(buffer.ToArray(), null);
                }

                buffer.Write(chunk, 0, read);
                if (buffer.Length > limit)
                {
                    // Too large after all (no Content-Length): what was read, then the rest, once.
                    buffer.Position = 0;
                    return new ReplayableBody(null, new PrefixedStream(buffer, request.Body));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>Puts the body on the request for one more send; false when it was already sent and cannot be again.</summary>
    public bool TryApply(HttpRequest request)
    {
        if (_bytes is not null)
        {
            request.Body = new MemoryStream(_bytes, writable: false);
            return true;
        }

        if (_sent)
        {
            return false;
        }

        _sent = true;
        request.Body = _once!;
        return true;
    }

    private static string? ReadModel(byte[] json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isModel = reader.ValueTextEquals("model"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isModel)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not JSON: no model to record.
        }

        return null;
    }

    /// <summary>A buffered prefix, then the rest of the client's stream.</summary>
    private sealed class PrefixedStream(MemoryStream prefix, Stream rest) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = prefix.Read(buffer, offset, count);
            return read > 0 ? read : rest.Read(buffer, offset, count);
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = prefix.Read(buffer.Span);
            return read > 0 ? read : await rest.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
