using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Para.Gateway.Tests.Infrastructure;

/// <summary>
/// The provider's API on 127.0.0.1 (Kestrel, in process). It accepts a request only with a
/// credential that is current right now (<see cref="IsCurrent"/>: an access token the OAuth
/// server issued and the account API holds, or an API key the OAuth server issued) and not
/// revoked; it answers <c>/v1/messages</c> plain or streamed (SSE) with usage and rate-limit
/// headers, and answers 401, 429 or 5xx when a test plans it. Every request it saw is kept,
/// headers included, so tests can look for what must not arrive.
/// </summary>
public sealed class FakeUpstream : IAsyncLifetime
{
    public const int InputTokens = 12;
    public const int OutputTokens = 34;

    private readonly ConcurrentDictionary<string, ConcurrentQueue<Planned>> _plans = new(StringComparer.Ordinal);
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Is this credential the current one of some account? Set by the test to ask the real account store.</summary>
    public Func<string, bool> IsCurrent { get; set; } = _ => false;

    /// <summary>Credentials the provider ended early: refused with 401 even while current.</summary>
    public ConcurrentDictionary<string, bool> Revoked { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<SeenRequest> Seen { get; } = new();

    /// <summary>When set, a stream stops after its first event until this completes: proves nothing is buffered.</summary>
    public TaskCompletionSource? HoldStreamAfterFirstEvent { get; set; }

    /// <summary>The next request with <paramref name="credential"/> is answered with <paramref name="status"/> (and headers).</summary>
    public void Plan(string credential, int status, IReadOnlyDictionary<string, string>? headers = null) =>
        _plans.GetOrAdd(credential, _ => new ConcurrentQueue<Planned>()).Enqueue(new Planned(status, headers ?? new Dictionary<string, string>()));

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/v1/messages", MessagesAsync);
        _app.MapPost("/v1/messages/count_tokens", MessagesAsync);
        _app.MapGet("/api/oauth/usage", Usage);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task MessagesAsync(HttpContext context)
    {
        var request = context.Request;
        var headers = request.Headers.ToDictionary(header => header.Key, header => header.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        string? credential = null;
        if (request.Headers.Authorization.ToString() is { Length: > 7 } authorization && authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            credential = authorization[7..];
        }
        else if (request.Headers["x-api-key"].ToString() is { Length: > 0 } apiKey)
        {
            credential = apiKey;
        }

        using var body = await JsonDocument.ParseAsync(request.Body);
        var model = body.RootElement.TryGetProperty("model", out var m) ? m.GetString() : null;
        var stream = body.RootElement.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;

        int status;
        if (credential is null || !IsCurrent(credential) || Revoked.ContainsKey(credential))
        {
            status = StatusCodes.Status401Unauthorized;
        }
        else if (_plans.TryGetValue(credential, out var plans) && plans.TryDequeue(out var planned))
        {
            status = planned.Status;
            foreach (var (name, value) in planned.Headers)
            {
                context.Response.Headers[name] = value;
            }
        }
        else
        {
            status = StatusCodes.Status200OK;
        }

        Seen.Enqueue(new SeenRequest(request.Path, credential, headers, status, stream));
        context.Response.StatusCode = status;
        if (status != StatusCodes.Status200OK)
        {
            var type = status switch
            {
                401 => "authentication_error",
                403 => "permission_error",
                429 => "rate_limit_error",
                _ => "api_error",
            };
            await context.Response.WriteAsJsonAsync(new { type = "error", error = new { type, message = $"test upstream answered {status}" } });
            return;
        }

        context.Response.Headers["anthropic-ratelimit-unified-status"] = "allowed";
        context.Response.Headers["anthropic-ratelimit-unified-5h-utilization"] = "0.25";
        context.Response.Headers["anthropic-ratelimit-unified-7d-utilization"] = "0.5";
        context.Response.Headers["request-id"] = "req_test";
        if (!stream)
        {
            await context.Response.WriteAsJsonAsync(new
            {
                id = "msg_test",
                type = "message",
                role = "assistant",
                model,
                content = new[] { new { type = "text", text = "Hello from the test upstream." } },
                usage = new { input_tokens = InputTokens, output_tokens = OutputTokens },
            });
            return;
        }

        context.Response.ContentType = "text/event-stream";
        await WriteEventAsync(context, "message_start", new { type = "message_start", message = new { id = "msg_test", type = "message", role = "assistant", model, usage = new { input_tokens = InputTokens, output_tokens = 1 } } });
        if (HoldStreamAfterFirstEvent is { } hold)
        {
            await hold.Task.WaitAsync(TimeSpan.FromSeconds(30), context.RequestAborted);
        }

        foreach (var word in new[] { "Hello", " from", " the", " stream." })
        {
            await WriteEventAsync(context, "content_block_delta", new { type = "content_block_delta", index = 0, delta = new { type = "text_delta", text = word } });
        }

        await WriteEventAsync(context, "message_delta", new { type = "message_delta", delta = new { stop_reason = "end_turn" }, usage = new { output_tokens = OutputTokens } });
        await WriteEventAsync(context, "message_stop", new { type = "message_stop" });
    }

    /// <summary>Answers to <c>/api/oauth/usage</c>, in order (status codes).</summary>
    public ConcurrentQueue<(string? Credential, int Status, string? Beta)> UsageRequests { get; } = new();

    private IResult Usage(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        var credential = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : null;
        var status = credential is null || !IsCurrent(credential) || Revoked.ContainsKey(credential) ? 401
            : credential is not null && _plans.TryGetValue("usage:" + credential, out var plans) && plans.TryDequeue(out var planned) ? planned.Status
            : 200;
        UsageRequests.Enqueue((credential, status, context.Request.Headers["anthropic-beta"].ToString()));
        return status != 200
            ? Results.Json(new { type = "error", error = new { type = status == 401 ? "authentication_error" : "rate_limit_error" } }, statusCode: status)
            : Results.Json(new
            {
                five_hour = new { utilization = 25.0, resets_at = "2030-01-01T05:00:00+00:00" },
                seven_day = new { utilization = 50.0, resets_at = "2030-01-07T00:00:00+00:00" },
            });
    }

    private static async Task WriteEventAsync(HttpContext context, string name, object data)
    {
        await context.Response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(data)}\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private sealed record Planned(int Status, IReadOnlyDictionary<string, string> Headers);
}

/// <summary>One request as the upstream received it.</summary>
public sealed record SeenRequest(string Path, string? Credential, IReadOnlyDictionary<string, string> Headers, int Status, bool Stream);
