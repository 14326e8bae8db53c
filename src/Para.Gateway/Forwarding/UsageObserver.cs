using System.Text.Json;

namespace Para.Gateway.Forwarding;

/// <summary>
/// Sits between the forwarder and the client's response body and reads, without holding anything
/// back, what the request cost: the model and input/output tokens. A stream carries them in
/// <c>message_start</c> (model, input) and <c>message_delta</c> (output, running total); a plain
/// answer at the top level of its JSON, read when it is complete. Only those two events are parsed,
/// so text deltas cost a scan for line ends and nothing more.
/// </summary>
internal sealed class UsageObserver(Stream inner, HttpResponse response) : Stream
{
    private const int MaxLine = 256 * 1024;
    private const int MaxJsonBody = 4 * 1024 * 1024;

    private readonly MemoryStream _pending = new();
    private Mode _mode = Mode.Unknown;
    private string? _event;

    public string? Model { get; private set; }

    public long? InputTokens { get; private set; }

    public long? OutputTokens { get; private set; }

    /// <summary>Bytes that reached the client through this stream.</summary>
    public long BytesWritten { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count)
    {
        inner.Write(buffer, offset, count);
        Observe(buffer.AsSpan(offset, count));
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken);
        Observe(buffer.Span);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>After the body is complete: reads a plain JSON answer's usage.</summary>
    public void Complete()
    {
        if (_mode == Mode.Json && _pending.Length > 0)
        {
            ReadUsage(_pending.GetBuffer().AsSpan(0, (int)_pending.Length), message: false);
        }
        else if (_mode == Mode.Stream && _pending.Length > 0)
        {
            Line(_pending.GetBuffer().AsSpan(0, (int)_pending.Length));
        }

        _pending.SetLength(0);
    }

    private void Observe(ReadOnlySpan<byte> bytes)
    {
        BytesWritten += bytes.Length;
        if (_mode == Mode.Unknown)
        {
            var contentType = response.ContentType ?? "";
            _mode = response.Headers.ContentEncoding.Count > 0 ? Mode.Ignore
                : contentType.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) ? Mode.Stream
                : contentType.Contains("json", StringComparison.OrdinalIgnoreCase) ? Mode.Json
                : Mode.Ignore;
        }

        switch (_mode)
        {
            case Mode.Json:
                if (_pending.Length + bytes.Length <= MaxJsonBody)
                {
                    _pending.Write(bytes);
                }
                else
                {
                    _mode = Mode.Ignore;
                    _pending.SetLength(0);
                }

                break;
            case Mode.Stream:
                Lines(bytes);
                break;
        }
    }

    private void Lines(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var end = bytes.IndexOf((byte)'\n');
            if (end < 0)
            {
                if (_pending.Length + bytes.Length <= MaxLine)
                {
                    _pending.Write(bytes);
                }

                return;
            }

            if (_pending.Length > 0)
            {
                _pending.Write(bytes[..end]);
                Line(_pending.GetBuffer().AsSpan(0, (int)_pending.Length));
                _pending.SetLength(0);
            }
            else
            {
                Line(bytes[..end]);
            }

            bytes = bytes[(end + 1)..];
        }
    }

    private void Line(ReadOnlySpan<byte> line)
    {
        if (!line.IsEmpty && line[^1] == '\r')
        {
            line = line[..^1];
        }

        if (line.StartsWith("event:"u8))
        {
            var name = line[6..].Trim((byte)' ');
            _event = name.SequenceEqual("message_start"u8) ? "message_start" : name.SequenceEqual("message_delta"u8) ? "message_delta" : null;
        }
        else if (line.StartsWith("data:"u8) && _event is { } current)
        {
            ReadUsage(line[5..], message: current == "message_start");
        }
        else if (line.IsEmpty)
        {
            _event = null;
        }
    }

    /// <summary>Reads <c>model</c> and <c>usage</c> from the object (or, for message_start, from its <c>message</c>).</summary>
    private void ReadUsage(ReadOnlySpan<byte> json, bool message)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            if (message && root.TryGetProperty("message", out var inner))
            {
                root = inner;
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            if (root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String)
            {
                Model = model.GetString();
            }

            if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                if (usage.TryGetProperty("input_tokens", out var input) && input.TryGetInt64(out var inputTokens))
                {
                    InputTokens = inputTokens;
                }

                if (usage.TryGetProperty("output_tokens", out var output) && output.TryGetInt64(out var outputTokens))
                {
                    OutputTokens = outputTokens;
                }
            }
        }
        catch (JsonException)
        {
            // Not the JSON it should be: the record goes without usage.
        }
    }

    private enum Mode
    {
        Unknown,
        Stream,
        Json,
        Ignore,
    }
}
