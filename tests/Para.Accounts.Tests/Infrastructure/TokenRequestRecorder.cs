using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Para.Accounts.Tests.Infrastructure;

/// <summary>
/// A token endpoint on Kestrel at 127.0.0.1 that records how each request arrived on the wire
/// (Content-Length, Transfer-Encoding, the body's real length) and answers with a token.
/// </summary>
public sealed class TokenRequestRecorder : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TokenRequestRecorder(WebApplication app) => _app = app;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public Uri TokenUrl { get; private set; } = null!;

    public static async Task<TokenRequestRecorder> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var recorder = new TokenRequestRecorder(builder.Build());
        recorder._app.MapPost("/token", (Func<HttpContext, Task<IResult>>)recorder.RecordAsync);
        await recorder._app.StartAsync();
        var address = recorder._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        recorder.TokenUrl = new Uri(new Uri(address), "/token");
        return recorder;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<IResult> RecordAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        Requests.Enqueue(new RecordedRequest(
            context.Request.ContentLength,
            context.Request.Headers.TransferEncoding.Count == 0 ? null : context.Request.Headers.TransferEncoding.ToString(),
            context.Request.ContentType?.Split(';')[0],
            body.Length));
        return Results.Json(new Dictionary<string, object> { ["access_token"] = "recorded-access", ["expires_in"] = 3600, ["token_type"] = "Bearer" });
    }

    public sealed record RecordedRequest(long? ContentLength, string? TransferEncoding, string? MediaType, long BodyLength);
}
