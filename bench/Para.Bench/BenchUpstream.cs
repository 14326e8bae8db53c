using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Para.Bench;

/// <summary>
/// The provider's API for the gateway benchmark (<c>bench/gateway-overhead.sh</c>): answers
/// <c>POST /v1/messages</c> at once, a small JSON message or, with <c>"stream":true</c>, a short SSE
/// stream, on any credential. It costs the same whether it is called directly or through the gateway,
/// so the difference between the two is the gateway's. <c>Para.Bench bench-upstream PORT [DELAY-MS]</c>:
/// with a delay it waits that long before answering, as the provider does while the model works.
/// </summary>
internal static class BenchUpstream
{
    public const string Command = "bench-upstream";

    private static readonly byte[] Message = Encoding.UTF8.GetBytes(
        """{"id":"msg_bench","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Hello."}],"stop_reason":"end_turn","usage":{"input_tokens":12,"output_tokens":34}}""");

    private static readonly byte[][] Events =
    [
        Encoding.UTF8.GetBytes("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_bench\",\"model\":\"claude-sonnet-4-5\",\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}\n\n"),
        Encoding.UTF8.GetBytes("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello.\"}}\n\n"),
        Encoding.UTF8.GetBytes("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":34}}\n\n"),
        Encoding.UTF8.GetBytes("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var delayMs = 0;
        if (args.Length is < 1 or > 2 || !int.TryParse(args[0], CultureInfo.InvariantCulture, out var port)
            || (args.Length == 2 && (!int.TryParse(args[1], CultureInfo.InvariantCulture, out delayMs) || delayMs < 0)))
        {
            Console.Error.WriteLine($"usage: Para.Bench {Command} PORT [DELAY-MS]");
            return 2;
        }

        var delay = TimeSpan.FromMilliseconds(delayMs);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        var app = builder.Build();
        app.MapPost("/v1/messages", (HttpContext context) => AnswerAsync(context, delay));
        app.MapGet("/ready", () => "ok");
        await app.RunAsync();
        return 0;
    }

    private static async Task AnswerAsync(HttpContext context, TimeSpan delay)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, context.RequestAborted);
        }

        var body = new byte[16 * 1024];
        var length = 0;
        int read;
        while ((read = await context.Request.Body.ReadAsync(body.AsMemory(length))) > 0 && length + read < body.Length)
        {
            length += read;
        }

        length += read;
        var stream = Encoding.UTF8.GetString(body, 0, length).Contains("\"stream\":true", StringComparison.Ordinal);
        context.Response.Headers["anthropic-ratelimit-unified-status"] = "allowed";
        if (!stream)
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = Message.Length;
            await context.Response.Body.WriteAsync(Message);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        foreach (var item in Events)
        {
            await context.Response.Body.WriteAsync(item);
            await context.Response.Body.FlushAsync();
        }
    }
}
